using System.Buffers;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The serve side: want-haves are answered at once; want-blocks join a per-peer queue (capped) drained by one
/// worker per peer through the node-wide upload limiter; cancels remove queued blocks before they are sent.
/// Blocks go round-robin over every channel but the control channel, so LiteNetLib's per-channel windows add up.
/// </summary>
public sealed partial class BlockExchange
{
    private async ValueTask OnWantHaveAsync(PeerState peer, WantHaveMessage message, CancellationToken ct)
    {
        List<byte[]> have = [];
        List<byte[]> dontHave = [];
        foreach (var bytes in message.Cids)
            (_store.Has(Cid.FromBytes(bytes)) ? have : dontHave).Add(bytes);
        if (have.Count > 0)
            await SendControlAsync(peer, new HaveMessage { Cids = have });
        if (dontHave.Count > 0 && message.SendDontHave)
            await SendControlAsync(peer, new DontHaveMessage { Cids = dontHave });
    }

    private async ValueTask OnWantBlockAsync(PeerState peer, WantBlockMessage message, CancellationToken ct)
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
                if (!_store.Has(cid))
                {
                    dontHave.Add(bytes);
                    continue;
                }
                if (peer.ServeQueue.Count >= _options.MaxServeQueuePerPeer)
                {
                    // The peer asks for more than its share; it will notice the silence and ask elsewhere.
                    Interlocked.Increment(ref _serveDropped);
                    continue;
                }
                peer.ServeIndex[cid.Multihash] = peer.ServeQueue.AddLast(cid);
            }
            if (!peer.Serving && peer.ServeQueue.Count > 0)
                start = peer.Serving = true;
        }
        if (start)
            _ = Task.Run(() => ServeLoopAsync(peer), CancellationToken.None);
        if (dontHave.Count > 0 && message.SendDontHave)
            await SendControlAsync(peer, new DontHaveMessage { Cids = dontHave });
    }

    private void OnCancel(PeerState peer, CancelMessage message)
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

    /// <summary>Sends this peer's queued blocks one after another; exits when the queue is empty.</summary>
    private async Task ServeLoopAsync(PeerState peer)
    {
        var buffer = new ArrayBufferWriter<byte>(WireLimits.MaxAnyMessageSize);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Cid? next = null;
                lock (peer.ServeLock)
                {
                    if (peer.ServeQueue.First is not { } first || !peer.Peer.IsConnected)
                    {
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
                    OnServeEnded(peer);
                    return;
                }
                await ServeOneAsync(peer, cid, buffer);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Serving {PeerId} failed: {Error}", peer.PeerId, ex.Message);
        }
        lock (peer.ServeLock)
            peer.Serving = false;
        if (!_stopping.IsCancellationRequested)
            OnServeEnded(peer);
    }

    private async Task ServeOneAsync(PeerState peer, Cid cid, ArrayBufferWriter<byte> buffer)
    {
        var data = _store.Get(cid);
        if (data is null || (_options.VerifyServedBlocks && !cid.Multihash.Matches(data)))
        {
            if (data is not null)
                _logger.LogWarning("Block {Cid} in the store is corrupted; not serving it", cid);
            await SendControlAsync(peer, new DontHaveMessage { Cids = [cid.Bytes.ToArray()] });
            return;
        }
        if (_uploadLimiter is not null)
        {
            using var lease = await _uploadLimiter.AcquireAsync(data.Length, _stopping.Token);
            if (!lease.IsAcquired)
                return;
        }
        buffer.ResetWrittenCount();
        WireCodec.Encode(new BlockMessage { Cid = cid.Bytes.ToArray(), Data = data }, buffer);
        var channels = _transport.ChannelCount;
        var channel = channels <= 1 ? ControlChannel : (byte)(1 + (peer.NextChannel++ % (channels - 1)));
        if (await _transport.SendAsync(peer.Peer, buffer.WrittenMemory, channel, _stopping.Token))
        {
            Interlocked.Increment(ref peer.BlocksSent);
            Interlocked.Add(ref peer.BytesSent, data.Length);
            Interlocked.Increment(ref _blocksServed);
            Interlocked.Add(ref _bytesServed, data.Length);
        }
    }
}
