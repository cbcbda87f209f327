using System.Net;
using P2P.Node.Security;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport.Nat;

public sealed class ControlMessageTests
{
    [Fact]
    public void Encode_ThenDecode_GivesTheSameMessage()
    {
        using var identity = NodeIdentity.Generate();
        var message = new ControlMessage(ControlKind.ConnectReply)
        {
            Id = 42, Circuit = ulong.MaxValue, Ok = true, Seconds = 1800, Peer = identity.PeerId,
            EndPoint = new IPEndPoint(IPAddress.Parse("198.18.0.7"), 4001), Reason = "fine",
        };

        var decoded = ControlMessage.TryDecode(message.Encode());

        Assert.Equal(message, decoded);
    }

    [Fact]
    public void TryDecode_RandomAndTruncatedBytes_NeverThrows()
    {
        var random = new Random(5);
        using var identity = NodeIdentity.Generate();
        var valid = new ControlMessage(ControlKind.CircuitOffer) { Peer = identity.PeerId, EndPoint = new IPEndPoint(IPAddress.Loopback, 1) }.Encode();
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            ControlMessage.TryDecode(bytes);
            ControlMessage.TryDecode(valid.AsSpan(0, random.Next(valid.Length)));
            var flipped = (byte[])valid.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
            ControlMessage.TryDecode(flipped);
        }
        Assert.Null(ControlMessage.TryDecode(new byte[600]));
    }
}
