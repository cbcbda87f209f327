using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The serve side (boxo's decision engine and task queue, reduced to what we need): want-haves are answered at
/// once; want-blocks join a per-peer queue (capped at <see cref="ExchangeOptions.MaxServeQueuePerPeer"/>) drained
/// by one worker per peer through the node-wide <see cref="UploadLimiter"/>; cancels remove queued blocks before
/// they are sent. Blocks go round-robin over every channel but the control channel, so LiteNetLib's per-channel
/// windows add up. Each peer's queue is guarded by its <see cref="PeerState.ServeLock"/>; this class holds no
/// other state, so it never takes the fetch side's gate itself (<paramref name="serveEnded"/> may).
/// </summary>
internal sealed class ServeQueue(
    ISecureTransport transport,
    IBlockStore store,
    ExchangeOptions options,
    ExchangeTotals totals,
    ExchangeTasks tasks,
    ControlSender control,
    UploadLimiter? limiter,
    Action<PeerState> serveEnded,
    ILogger logger)
{
    /// <summary>Encode buffers kept between serve loops; more than this many idle ones are left to the GC.</summary>
    private const int SpareBuffers = 4;

    /// <summary>
    /// Idle encode buffers (each <see cref="WireLimits.MaxAnyMessageSize"/>, 2 MB, on the large-object heap). A serve
    /// loop ends whenever its peer's queue runs empty, which with several providers sharing a fetch happens every
    /// few blocks; a fresh buffer per loop then cost the providers a 2 MB allocation, zeroed, per handful of blocks
    /// served, and the gen-2 collections that reclaim them (docs/perf/multi-provider.md). A loop takes one here and
    /// gives it back when it ends: a loop already reuses its buffer block after block, so a message is the transport's
    /// business only until SendAsync returns, and a buffer in the bag belongs to no loop.
    /// </summary>
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];

    private int _buffersMade;

    /// <summary>Encode buffers allocated so far (tests: serve loops one after another share one).</summary>
    internal int BuffersMade => Volatile.Read(ref _buffersMade);

    public async ValueTask OnWantHaveAsync(PeerState peer, WantHaveMessage message)
    {
        List<byte[]> have = [];
        List<byte[]> dontHave = [];
        foreach (var bytes in message.Cids)
            (store.Has(Cid.FromBytes(bytes)) ? have : dontHave).Add(bytes);
        if (have.Count > 0)
            await control.SendAsync(peer, new HaveMessage { Cids = have });
        if (dontHave.Count > 0 && message.SendDontHave)
            await control.SendAsync(peer, new DontHaveMessage { Cids = dontHave });
    }

    public async ValueTask OnWantBlockAsync(PeerState peer, WantBlockMessage message)
    {
        List<byte[]> dontHave = [];
        var start = false;
        lock (peer.ServeLock)
        {
            foreach (var bytes in message.Cids)
            {
                var cid = Cid.FromBytes(bytes);
                if (peer.ServeIndex.ContainsKey(cid.Multihash))
                    continue;
                if (!store.Has(cid))
                {
                    dontHave.Add(bytes);
                    continue;
                }
                if (peer.ServeQueue.Count >= options.MaxServeQueuePerPeer)
                {
                    // The peer asks for more than its share; it will notice the silence and ask elsewhere.
                    Interlocked.Increment(ref totals.ServeDropped);
                    continue;
                }
                peer.ServeIndex[cid.Multihash] = peer.ServeQueue.AddLast(cid);
            }
            if (!peer.Serving && peer.ServeQueue.Count > 0)
                start = peer.Serving = true;
        }
        if (start)
            tasks.Run(() => ServeLoopAsync(peer));
        if (dontHave.Count > 0 && message.SendDontHave)
            await control.SendAsync(peer, new DontHaveMessage { Cids = dontHave });
    }

    public static void OnCancel(PeerState peer, CancelMessage message)
    {
        lock (peer.ServeLock)
        {
            foreach (var bytes in message.Cids)
            {
                var multihash = Cid.FromBytes(bytes).Multihash;
                if (peer.ServeIndex.Remove(multihash, out var node))
                    peer.ServeQueue.Remove(node);
            }
        }
    }

    /// <summary>Want-blocks queued or being served for the peer. Caller may hold the gate (ServeLock is taken inside it).</summary>
    public static bool IsBusy(PeerState peer)
    {
        lock (peer.ServeLock)
            return peer.Serving || peer.ServeQueue.Count > 0;
    }

    /// <summary>Sends this peer's queued blocks one after another; exits when the queue is empty.</summary>
    private async Task ServeLoopAsync(PeerState peer)
    {
        if (!_buffers.TryTake(out ArrayBufferWriter<byte>? buffer))
        {
            buffer = new ArrayBufferWriter<byte>(WireLimits.MaxAnyMessageSize);
            Interlocked.Increment(ref _buffersMade);
        }
        try
        {
            while (!tasks.IsStopping)
            {
                Cid? next = null;
                lock (peer.ServeLock)
                {
                    if (peer.ServeQueue.First is not { } first || !peer.Peer.IsConnected)
                    {
                        // Back before Serving clears: the loop a want starts from then on finds it in the bag.
                        Give(ref buffer);
                        peer.ServeQueue.Clear();
                        peer.ServeIndex.Clear();
                        peer.Serving = false;
                    }
                    else
                    {
                        next = first.Value;
                        peer.ServeQueue.RemoveFirst();
                        peer.ServeIndex.Remove(next.Multihash);
                    }
                }
                if (next is not { } cid)
                {
                    // Outside the serve lock: pruning takes the gate, and the gate is taken before a serve lock.
                    serveEnded(peer);
                    return;
                }
                await ServeOneAsync(peer, cid, buffer!);
            }
        }
        catch (OperationCanceledException) when (tasks.IsStopping)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Serving {PeerId} failed: {Error}", peer.PeerId, ex.Message);
        }
        Give(ref buffer);
        lock (peer.ServeLock)
            peer.Serving = false;
        if (!tasks.IsStopping)
            serveEnded(peer);
    }

    /// <summary>
    /// Keeps an ended loop's buffer for the next one, unless enough are kept already, and clears the loop's reference,
    /// so a second call (a failure after the first) gives nothing and the loop cannot write into a buffer it gave.
    /// </summary>
    private void Give(ref ArrayBufferWriter<byte>? buffer)
    {
        if (buffer is not null && _buffers.Count < SpareBuffers)
            _buffers.Add(buffer);
        buffer = null;
    }

    private async Task ServeOneAsync(PeerState peer, Cid cid, ArrayBufferWriter<byte> buffer)
    {
        // A pooled read: the bytes go into the encode buffer right away, so the block's array goes back before the
        // send. Get would hand each served block a fresh 256 KiB array on the large-object heap, zeroed and faulted
        // in, and the gen-2 collections that reclaim them were a fifth of a provider's CPU (docs/perf/fetch-path.md).
        int length;
        using (var data = store.GetBuffer(cid))
        {
            if (data is null || (options.VerifyServedBlocks && !cid.Multihash.Matches(data.Memory.Span)))
            {
                if (data is not null)
                    logger.LogWarning("Block {Cid} in the store is corrupted; not serving it", cid);
                await control.SendAsync(peer, new DontHaveMessage { Cids = [cid.Bytes.ToArray()] });
                return;
            }
            length = data.Length;
            buffer.ResetWrittenCount();
            WireCodec.Encode(new BlockMessage { Cid = cid.Bytes.ToArray(), Data = data.Memory }, buffer);
        }
        if (limiter is not null && !await limiter.AcquireAsync(length, tasks.Stopping))
            return;
        var channels = transport.ChannelCount;
        var channel = channels <= 1 ? BlockExchange.ControlChannel : (byte)(1 + (peer.NextChannel++ % (channels - 1)));
        if (await transport.SendAsync(peer.Peer, buffer.WrittenMemory, channel, tasks.Stopping))
        {
            Interlocked.Increment(ref peer.BlocksSent);
            Interlocked.Add(ref peer.BytesSent, length);
            Interlocked.Increment(ref totals.BlocksServed);
            Interlocked.Add(ref totals.BytesServed, length);
        }
    }
}
