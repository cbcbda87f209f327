using System.Runtime.InteropServices;
using P2P.Node.Multiformats;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// Bulk records are decrypted in place in pooled buffers (docs/perf/fetch-path.md): a buffer must not be handed to a
/// second record while a message or a lease still holds it, and a decoded block (a view of its record) must fail
/// loudly when read after its buffer went back.
/// </summary>
public sealed class PooledReceiveTests() : TransportTestBase(TimeSpan.FromSeconds(20))
{
    private async Task<(LiteNetTransport A, LiteNetTransport B, SecurePeer AtoB)> BoundPair()
    {
        var a = Create();
        var b = Create();
        var accepted = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.PeerConnected += (_, e) => accepted.TrySetResult(e.Peer);
        var result = await a.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        var btoa = await accepted.Task.WaitAsync(Ct);
        await result.Peer!.BulkBound.Task.WaitAsync(Ct);
        await btoa.BulkBound.Task.WaitAsync(Ct);
        return (a, b, result.Peer);
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ArrayUnder(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    [Fact]
    public async Task Inbound_UnreleasedMessage_KeepsItsBufferWhileLaterRecordsArrive()
    {
        var (a, b, atob) = await BoundPair();
        var first = Random(200_000, 1);
        var second = Random(200_000, 2);

        Assert.True(await a.SendAsync(atob, first, 3, Ct));
        var held = await b.Inbound.ReadAsync(Ct);
        Assert.True(held.Leased);
        Assert.True(await a.SendAsync(atob, second, 3, Ct));
        var next = await b.Inbound.ReadAsync(Ct);

        Assert.NotSame(ArrayUnder(held.Payload), ArrayUnder(next.Payload));
        Assert.Equal(first, held.Payload);
        Assert.Equal(second, next.Payload);
    }

    [Fact]
    public async Task Release_ReturnsTheBufferOnce_AndTheNextRecordReusesIt()
    {
        var (a, b, atob) = await BoundPair();
        Assert.True(await a.SendAsync(atob, Random(200_000, 3), 3, Ct));
        var message = await b.Inbound.ReadAsync(Ct);
        var buffer = ArrayUnder(message.Payload);
        var retained = b.ReceivePool.Retained;

        message.Release();
        message.Release();

        Assert.False(message.Leased);
        Assert.Equal(retained + 1, b.ReceivePool.Retained);
        Assert.True(await a.SendAsync(atob, Random(200_000, 4), 3, Ct));
        var next = await b.Inbound.ReadAsync(Ct);
        Assert.Same(buffer, ArrayUnder(next.Payload));
    }

    [Fact]
    public async Task DecodedBlock_ReadAfterItsBufferWentBack_Throws()
    {
        var (a, b, atob) = await BoundPair();
        var data = Random(256 * 1024, 5);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        Assert.True(await a.SendAsync(atob, WireCodec.Encode(new BlockMessage { Cid = cid.Bytes.ToArray(), Data = data }), 3, Ct));
        var raw = await b.Inbound.ReadAsync(Ct);
        var block = WireCodec.TryDecode<BlockMessage>(raw.Payload);
        Assert.NotNull(block);
        // A view of the record, not a copy.
        Assert.Same(ArrayUnder(raw.Payload), ArrayUnder(block.Data));

        raw.Release();

        Assert.Throws<ObjectDisposedException>(() => block.Data.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => raw.Retain());
    }

    [Fact]
    public async Task Retain_KeepsTheBlockPastRelease_UntilTheLastLeaseGoes()
    {
        var (a, b, atob) = await BoundPair();
        var data = Random(256 * 1024, 7);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        Assert.True(await a.SendAsync(atob, WireCodec.Encode(new BlockMessage { Cid = cid.Bytes.ToArray(), Data = data }), 3, Ct));
        var raw = await b.Inbound.ReadAsync(Ct);
        var block = WireCodec.TryDecode<BlockMessage>(raw.Payload)!;
        var buffer = ArrayUnder(raw.Payload);
        var verifier = raw.Retain();
        var waiter = verifier.Share();

        raw.Release();
        verifier.Dispose();
        // The next record must not land in the buffer the waiter still reads.
        Assert.True(await a.SendAsync(atob, Random(256 * 1024, 8), 3, Ct));
        var next = await b.Inbound.ReadAsync(Ct);
        Assert.NotSame(buffer, ArrayUnder(next.Payload));
        Assert.Equal(data, block.Data.ToArray());
        Assert.True(cid.Multihash.Matches(block.Data.Span));
        var retained = b.ReceivePool.Retained;

        waiter.Dispose();
        waiter.Dispose();

        Assert.Equal(retained + 1, b.ReceivePool.Retained);
        Assert.Throws<ObjectDisposedException>(() => block.Data.Span.Length);
        next.Release();
    }
}
