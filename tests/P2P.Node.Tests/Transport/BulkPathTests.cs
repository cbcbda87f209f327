using System.Net.Sockets;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

public sealed class BulkPathTests() : TransportTestBase(TimeSpan.FromSeconds(20))
{

    private async Task<(LiteNetTransport A, LiteNetTransport B, SecurePeer AtoB, SecurePeer BtoA)> ConnectedPair(TransportOptions? options = null)
    {
        var a = Create(options);
        var b = Create(options);
        var accepted = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PeerConnected += (_, e) => accepted.TrySetResult(e.Peer);
        var result = await a.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        return (a, b, result.Peer!, await accepted.Task.WaitAsync(Ct));
    }

    [Fact]
    public async Task SendAsync_LargeMessagesBothWays_TravelOnTheBoundStreamIntact()
    {
        var (a, b, atob, btoa) = await ConnectedPair();
        await atob.BulkBound.Task.WaitAsync(Ct);
        await btoa.BulkBound.Task.WaitAsync(Ct);
        Assert.True(atob.HasBulkPath);
        Assert.True(btoa.HasBulkPath);
        var big = new byte[1024 * 1024];
        new Random(5).NextBytes(big);

        Assert.True(await a.SendAsync(atob, big, 3, Ct));
        Assert.True(await b.SendAsync(btoa, big.AsMemory(0, 300_000), 7, Ct));

        var atB = await b.Inbound.ReadAsync(Ct);
        Assert.Equal((byte)3, atB.Channel);
        Assert.Equal(big, atB.Payload);
        var atA = await a.Inbound.ReadAsync(Ct);
        Assert.Equal((byte)7, atA.Channel);
        Assert.Equal(big.AsSpan(0, 300_000).ToArray(), atA.Payload);
        Assert.Equal(0, b.GetDropCount(DropReason.Replayed) + b.GetDropCount(DropReason.Forged));
    }

    [Fact]
    public async Task BulkTransport_Disabled_LargeMessagesStillArriveOverUdp()
    {
        var (a, b, atob, _) = await ConnectedPair(new TransportOptions { BulkTransport = false });
        var big = new byte[400_000];
        new Random(6).NextBytes(big);

        Assert.True(await a.SendAsync(atob, big, 2, Ct));

        Assert.Equal(big, (await b.Inbound.ReadAsync(Ct)).Payload);
        Assert.False(atob.HasBulkPath);
    }

    [Fact]
    public async Task Accept_StreamWithForgedBind_IsClosedAndCounted()
    {
        var (a, b, atob, _) = await ConnectedPair();
        await atob.BulkBound.Task.WaitAsync(Ct);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(b.LocalEndPoint, Ct);
        // The right magic and a connected PeerId, but a record no session key sealed.
        var forged = new List<byte>("p2pbulk1"u8.ToArray());
        forged.AddRange(a.LocalPeerId.Bytes.ToArray());
        forged.AddRange(new byte[] { 60, 0, 0, 0, 0 });
        forged.AddRange(new byte[60]);
        await socket.SendAsync(forged.ToArray(), SocketFlags.None, Ct);

        var buffer = new byte[16];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, Ct);

        Assert.Equal(0, read);
        Assert.True(b.GetDropCount(DropReason.HandshakeFailed) >= 1);
        // The real session is untouched.
        Assert.True(await a.SendAsync(atob, new byte[100_000], 1, Ct));
        Assert.Equal(100_000, (await b.Inbound.ReadAsync(Ct)).Payload.Length);
    }
}
