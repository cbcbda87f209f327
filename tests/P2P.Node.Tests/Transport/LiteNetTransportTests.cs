using System.Net.Sockets;
using System.Security.Cryptography;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

public sealed class LiteNetTransportTests() : TransportTestBase(TimeSpan.FromSeconds(20))
{

    private async Task<(LiteNetTransport A, LiteNetTransport B, SecurePeer AtoB, SecurePeer BtoA)> ConnectedPair(
        TransportOptions? a = null, TransportOptions? b = null, TimeProvider? time = null)
    {
        var ta = Create(a, time);
        var tb = Create(b, time);
        var accepted = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        tb.PeerConnected += (_, e) => accepted.TrySetResult(e.Peer);
        var result = await ta.ConnectAsync(tb.LocalEndPoint, tb.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        var back = await accepted.Task.WaitAsync(Ct);
        return (ta, tb, result.Peer!, back);
    }

    private async Task AssertNextMessage(LiteNetTransport receiver, byte[] expected)
    {
        var message = await receiver.Inbound.ReadAsync(Ct);
        Assert.Equal(expected, message.Payload);
    }

    [Fact]
    public async Task ConnectAsync_BothSidesSeeEachOthersPeerId()
    {
        var (a, b, atob, btoa) = await ConnectedPair();
        Assert.Equal(b.LocalPeerId, atob.PeerId);
        Assert.Equal(a.LocalPeerId, btoa.PeerId);
        Assert.True(atob.IsOutbound);
        Assert.False(btoa.IsOutbound);
        Assert.Equal(atob.Suite, btoa.Suite);
        Assert.True(await a.SendAsync(atob, "hello"u8.ToArray(), 3, Ct));
        var message = await b.Inbound.ReadAsync(Ct);
        Assert.Equal(a.LocalPeerId, message.PeerId);
        Assert.Equal((byte)3, message.Channel);
        Assert.Equal("hello"u8.ToArray(), message.Payload);
    }

    /// <summary>
    /// An idle node's logic tick is slow, and the first reliable packet brings back the fast one at once. With an idle
    /// tick of 2 s, a 2 MiB message over UDP (no bulk stream: about 1,500 packets, 23 times the 64-packet send
    /// window, each refilled by acks) and a reply still arrive at once; if acks or the window waited for the idle
    /// tick, the message alone would take 23 ticks and miss the deadline.
    /// </summary>
    [Fact]
    public async Task Transport_IdleTickOfTwoSeconds_DataAndAcksNeverWaitForIt()
    {
        var slow = new TransportOptions { IdleUpdateTimeMilliseconds = 2_000, BulkTransport = false };
        var (a, b, atob, btoa) = await ConnectedPair(slow, slow);
        var big = new byte[2 << 20];
        new Random(15).NextBytes(big);

        Assert.True(await a.SendAsync(atob, big, 2, Ct));
        await AssertNextMessage(b, big);
        Assert.True(await b.SendAsync(btoa, "reply"u8.ToArray(), 0, Ct));
        await AssertNextMessage(a, "reply"u8.ToArray());
    }

    [Fact]
    public async Task ConnectAsync_WrongExpectedPeerFailsAndResponderLearnsNothing()
    {
        var a = Create();
        var b = Create();
        using var stranger = NodeIdentity.Generate();
        var announced = 0;
        var firstAnnouncement = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PeerConnected += (_, e) =>
        {
            Interlocked.Increment(ref announced);
            firstAnnouncement.TrySetResult(e.Peer);
        };
        var result = await a.ConnectAsync(b.LocalEndPoint, stranger.PeerId, Ct);
        Assert.False(result.Succeeded);
        Assert.Contains("expected peer", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, a.GetDropCount(DropReason.HandshakeFailed));
        Assert.Empty(a.Peers);
        // The right expectation still works afterwards.
        var again = await a.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct);
        Assert.True(again.Succeeded, again.Error);
        // b announces a only once its finish arrives; the failed attempt never reached that point.
        Assert.Equal(a.LocalPeerId, (await firstAnnouncement.Task.WaitAsync(Ct)).PeerId);
        Assert.Equal(1, Volatile.Read(ref announced));
        Assert.Single(b.Peers);
    }

    [Fact]
    public async Task Receive_DropsTamperedFrameAndKeepsWorking()
    {
        var (a, b, atob, _) = await ConnectedPair();
        var frame = a.SealFrame(atob, "secret"u8);
        frame[^3] ^= 0x01;
        a.SendRawFrame(atob, frame, 0);
        Assert.True(await a.SendAsync(atob, "after"u8.ToArray(), 0, Ct));
        await AssertNextMessage(b, "after"u8.ToArray());
        Assert.Equal(1, b.GetDropCount(DropReason.Forged));
    }

    [Fact]
    public async Task Receive_DropsReplayedFrameAndKeepsWorking()
    {
        var (a, b, atob, _) = await ConnectedPair();
        // Channel 0 is never moved to the TCP bulk path, so the three frames share one ordered LiteNetLib channel (on
        // channel 1 "after" went over TCP once the bulk link was up and could overtake the raw frames).
        var frame = a.SealFrame(atob, "once"u8);
        a.SendRawFrame(atob, frame, 0);
        a.SendRawFrame(atob, frame, 0);
        Assert.True(await a.SendAsync(atob, "after"u8.ToArray(), 0, Ct));
        await AssertNextMessage(b, "once"u8.ToArray());
        await AssertNextMessage(b, "after"u8.ToArray());
        Assert.Equal(1, b.GetDropCount(DropReason.Replayed));
    }

    [Fact]
    public async Task Receive_SurvivesRandomDatagramsOnItsPort()
    {
        var (a, b, atob, btoa) = await ConnectedPair();
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            var random = new Random(1234);
            for (var i = 0; i < 200; i++)
            {
                var junk = new byte[random.Next(1, 1500)];
                random.NextBytes(junk);
                await udp.SendAsync(junk, b.LocalEndPoint, Ct);
            }
        }
        Assert.True(await a.SendAsync(atob, "still here"u8.ToArray(), 0, Ct));
        await AssertNextMessage(b, "still here"u8.ToArray());
        Assert.True(await b.SendAsync(btoa, "me too"u8.ToArray(), 0, Ct));
        await AssertNextMessage(a, "me too"u8.ToArray());
        var c = Create();
        var third = await c.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct);
        Assert.True(third.Succeeded, third.Error);
    }

    [Fact]
    public async Task Receive_DropsOversizedMessageAndKeepsWorking()
    {
        var (a, b, atob, _) = await ConnectedPair(
            new TransportOptions { MaxMessageSize = 4 * 1024 * 1024 },
            new TransportOptions { MaxMessageSize = 1024 * 1024 });
        // Channel 0 stays on LiteNetLib (never the TCP bulk path), so "small" cannot overtake the oversized message
        // and the drop is counted by the time it arrives.
        Assert.True(await a.SendAsync(atob, new byte[2 * 1024 * 1024], 0, Ct));
        Assert.True(await a.SendAsync(atob, "small"u8.ToArray(), 0, Ct));
        await AssertNextMessage(b, "small"u8.ToArray());
        Assert.Equal(1, b.GetDropCount(DropReason.Oversized));
    }

    [Fact]
    public async Task ConnectAsync_WrongConnectionKeyIsRejected()
    {
        var a = Create(new TransportOptions { ConnectionKey = "other", HandshakeTimeout = TimeSpan.FromSeconds(10) });
        var b = Create();
        var result = await a.ConnectAsync(b.LocalEndPoint, null, Ct);
        Assert.False(result.Succeeded);
        // LiteNetLib retries the request a few times; each refusal is counted.
        Assert.True(b.GetDropCount(DropReason.BadConnectionKey) >= 1);
        Assert.Empty(b.Peers);
    }

    [Fact]
    public async Task SendAsync_ManyMessagesBothWaysArriveIntact()
    {
        var (a, b, atob, btoa) = await ConnectedPair();
        const int count = 300;
        var random = new Random(99);
        byte[][] Make() => Enumerable.Range(0, count).Select(i =>
        {
            var data = new byte[i % 10 == 0 ? random.Next(100_000, 300_000) : random.Next(0, 3000)];
            random.NextBytes(data);
            return data;
        }).ToArray();
        var fromA = Make();
        var fromB = Make();
        async Task SendAll(LiteNetTransport t, SecurePeer p, byte[][] messages)
        {
            for (var i = 0; i < messages.Length; i++)
                Assert.True(await t.SendAsync(p, messages[i], (byte)(i % t.ChannelCount), Ct));
        }
        async Task<HashSet<string>> ReceiveAll(LiteNetTransport t)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < count; i++)
                seen.Add(Convert.ToHexString(SHA256.HashData((await t.Inbound.ReadAsync(Ct)).Payload.Span)));
            return seen;
        }
        var receiveB = ReceiveAll(b);
        var receiveA = ReceiveAll(a);
        await Task.WhenAll(SendAll(a, atob, fromA), SendAll(b, btoa, fromB));
        Assert.Equal(fromA.Select(m => Convert.ToHexString(SHA256.HashData(m))).ToHashSet(), await receiveB);
        Assert.Equal(fromB.Select(m => Convert.ToHexString(SHA256.HashData(m))).ToHashSet(), await receiveA);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            Assert.Equal(0, a.GetDropCount(reason));
            Assert.Equal(0, b.GetDropCount(reason));
        }
    }

    [Fact]
    public async Task Disconnect_RaisesEventOnTheOtherSide()
    {
        var (a, b, atob, _) = await ConnectedPair();
        var gone = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PeerDisconnected += (_, e) => gone.TrySetResult(e.Peer);
        a.Disconnect(atob);
        var peer = await gone.Task.WaitAsync(Ct);
        Assert.Equal(a.LocalPeerId, peer.PeerId);
        Assert.False(peer.IsConnected);
        Assert.False(await a.SendAsync(atob, "x"u8.ToArray(), 0, Ct));
    }
}
