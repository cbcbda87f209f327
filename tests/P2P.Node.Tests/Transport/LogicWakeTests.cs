using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// Which inbound packets wake LiteNetLib's logic thread ahead of its tick: those that leave it work (an ack to send,
/// a send window to refill), and not the keepalives, pings and pongs an idle session exchanges every second.
/// </summary>
public sealed class LogicWakeTests
{
    [Theory]
    [InlineData(1, true)] // reliable data: owes an ack
    [InlineData(2, true)] // reliable merged
    [InlineData(3, true)] // ack: may free the send window
    [InlineData(13, true)] // merged: may carry any of the above
    [InlineData(1 | (3 << 5), true)] // the connection number's bits do not matter
    [InlineData(0, false)] // unreliable: keepalives and handshake hellos
    [InlineData(4, false)] // ping: LiteNetLib answers from the receive thread
    [InlineData(5, false)] // pong
    [InlineData(6, false)] // connect request
    [InlineData(8, false)] // disconnect
    public void OwesLogicRound_OnlyPacketsThatLeaveTheLogicThreadWork(int first, bool expected) =>
        Assert.Equal(expected, NatPacketLayer.OwesLogicRound((byte)first));
}
