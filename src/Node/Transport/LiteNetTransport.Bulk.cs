using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// The bulk path: a TCP stream per connection, on the same port number as the UDP socket, carrying the channels
/// from <see cref="TransportOptions.BulkFirstChannel"/> up. The side that dialled the LiteNetLib connection dials TCP once
/// the handshake is done and proves the stream belongs to the session with a sealed bind record:
/// <c>"p2pbulk1" ‖ dialler PeerId ‖ record(sealed "bind" ‖ listener PeerId)</c>. Until a stream is bound (or when
/// it breaks) every message goes over LiteNetLib, so the bulk path is an accelerator, never a dependency.
/// </summary>
public sealed partial class LiteNetTransport
{
    private static readonly byte[] BulkMagic = "p2pbulk1"u8.ToArray();
    private static readonly byte[] BindLabel = "bind"u8.ToArray();
    private const int MaxBindRecord = 256;

    /// <summary>Oversized records up to this length are read past; longer ones close the stream.</summary>
    private const int MaxSkippableRecord = 64 * 1024 * 1024;

    private TcpListener? _bulkListener;

    /// <summary>Bind records that arrived before the UDP handshake finished on our side, by dialler PeerId.</summary>
    private readonly ConcurrentDictionary<PeerId, TaskCompletionSource<SecurePeer>> _bulkWaiters = new();

    /// <summary>TCP connections not yet bound; capped like pending handshakes.</summary>
    private int _pendingBulk;
    private readonly CancellationTokenSource _bulkStop = new();

    private void StartBulk()
    {
        if (!_options.BulkTransport)
            return;
        try
        {
            var listener = new TcpListener(LocalEndPoint);
            listener.Start(backlog: 64);
            _bulkListener = listener;
            _ = Task.Run(() => AcceptBulkLoopAsync(listener), CancellationToken.None);
        }
        catch (SocketException ex)
        {
            _logger.LogWarning("Bulk TCP listener on {EndPoint} unavailable ({Error}); large messages will use UDP", LocalEndPoint, ex.SocketErrorCode);
        }
    }

    private async Task AcceptBulkLoopAsync(TcpListener listener)
    {
        while (!_bulkStop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_bulkStop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => AcceptBulkAsync(socket), CancellationToken.None);
        }
    }

    /// <summary>Reads and checks the bind record within the handshake timeout, then serves the stream.</summary>
    private async Task AcceptBulkAsync(Socket socket)
    {
        var remote = (IPEndPoint?)socket.RemoteEndPoint;
        var bulk = new BulkStream(socket);
        SecurePeer? bound = null;
        if (Interlocked.Increment(ref _pendingBulk) > _options.MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingBulk);
            _drops.Count(DropReason.TooManyPendingHandshakes, remote, "bulk stream");
            await bulk.DisposeAsync();
            return;
        }
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_bulkStop.Token))
        {
            timeout.CancelAfter(_options.HandshakeTimeout);
            try
            {
                bound = await ReadBindAsync(bulk, remote, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                bound = null;
            }
            finally
            {
                Interlocked.Decrement(ref _pendingBulk);
            }
        }
        if (bound is null)
        {
            _drops.Count(DropReason.HandshakeFailed, remote, "bulk stream without a valid bind record");
            await bulk.DisposeAsync();
            return;
        }
        await AttachBulkAsync(bound, bulk);
    }

    private async Task<SecurePeer?> ReadBindAsync(BulkStream bulk, IPEndPoint? remote, CancellationToken ct)
    {
        var prefix = new byte[BulkMagic.Length + PeerId.ByteLength];
        await bulk.Stream.ReadExactlyAsync(prefix, ct);
        if (!prefix.AsSpan(0, BulkMagic.Length).SequenceEqual(BulkMagic) || !PeerId.TryFromBytes(prefix.AsSpan(BulkMagic.Length), out var dialler, out _))
            return null;
        var peer = await FindInboundPeerAsync(dialler!, ct);
        if (peer is not null && (remote is null || !peer.RemoteEndPoint.Address.Equals(remote.Address)))
            peer = null;
        var header = new byte[BulkStream.HeaderLength];
        if (peer is null || await bulk.ReadHeaderAsync(header, ct) is not { } record || record.Length > MaxBindRecord || record.Length < 0)
            return null;
        var frame = new byte[record.Length];
        await bulk.Stream.ReadExactlyAsync(frame, ct);
        var length = peer.Session.PlaintextLength(frame.Length);
        if (length != BindLabel.Length + PeerId.ByteLength)
            return null;
        var plaintext = new byte[length];
        if (peer.Session.TryOpen(frame, plaintext) != SessionOpenStatus.Ok)
            return null;
        // The bind names us, so a record captured from another session cannot be replayed against this node.
        return plaintext.AsSpan(0, BindLabel.Length).SequenceEqual(BindLabel) && plaintext.AsSpan(BindLabel.Length).SequenceEqual(LocalPeerId.Bytes)
            ? peer
            : null;
    }

    /// <summary>
    /// The session the dialler opened with us. The dialler sends its bind as soon as it has our reply, so the bind
    /// can overtake its UDP finish message: wait (within the caller's timeout) for the handshake to complete.
    /// </summary>
    private async Task<SecurePeer?> FindInboundPeerAsync(PeerId dialler, CancellationToken ct)
    {
        SecurePeer? Find() => _peers.Values.FirstOrDefault(p => p.PeerId == dialler && !p.IsOutbound && p.IsConnected);
        if (Find() is { } found)
            return found;
        var waiter = _bulkWaiters.GetOrAdd(dialler, _ => new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return Find() ?? await waiter.Task.WaitAsync(ct);
        }
        finally
        {
            _bulkWaiters.TryRemove(new KeyValuePair<PeerId, TaskCompletionSource<SecurePeer>>(dialler, waiter));
        }
    }

    /// <summary>Wakes a bind record waiting for this peer's handshake (called on the network thread).</summary>
    private void OnInboundSession(SecurePeer peer)
    {
        if (_bulkWaiters.TryGetValue(peer.PeerId, out var waiter))
            waiter.TrySetResult(peer);
    }

    /// <summary>Dials the bulk stream of a connection we initiated; failures only mean the UDP path is used.</summary>
    private async Task DialBulkAsync(SecurePeer peer)
    {
        if (!_options.BulkTransport)
            return;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        BulkStream? bulk = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_bulkStop.Token);
            timeout.CancelAfter(_options.HandshakeTimeout);
            await socket.ConnectAsync(peer.RemoteEndPoint, timeout.Token);
            bulk = new BulkStream(socket);
            var prefix = new byte[BulkMagic.Length + PeerId.ByteLength];
            BulkMagic.CopyTo(prefix, 0);
            LocalPeerId.Bytes.CopyTo(prefix.AsSpan(BulkMagic.Length));
            await bulk.Stream.WriteAsync(prefix, timeout.Token);
            var bind = new byte[BindLabel.Length + PeerId.ByteLength];
            BindLabel.CopyTo(bind, 0);
            peer.PeerId.Bytes.CopyTo(bind.AsSpan(BindLabel.Length));
            if (!await bulk.SendAsync(peer.Session, bind, 0, timeout.Token))
                return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            _logger.LogDebug("No bulk stream to {EndPoint}: {Error}", peer.RemoteEndPoint, ex.Message);
            if (bulk is not null)
                await bulk.DisposeAsync();
            else
                socket.Dispose();
            return;
        }
        await AttachBulkAsync(peer, bulk);
    }

    /// <summary>
    /// A channel moves to the bulk stream only once everything it sent over LiteNetLib has been acknowledged (its
    /// reliable queue is empty): LiteNetLib hands a message to the receiver before acking it, so nothing sent over
    /// UDP can arrive after what follows on TCP. Once moved, the channel stays (until the stream breaks).
    /// </summary>
    private static bool BulkReady(SecurePeer peer, byte channel)
    {
        if (peer.UsesBulk(channel))
            return true;
        if (peer.NetPeer.GetPacketsCountInReliableQueue(channel, ordered: true) != 0)
            return false;
        peer.MoveToBulk(channel);
        return true;
    }

    /// <summary>Makes the stream the peer's bulk path and reads records from it until it closes.</summary>
    private async Task AttachBulkAsync(SecurePeer peer, BulkStream bulk)
    {
        var previous = peer.Bulk;
        peer.Bulk = bulk;
        if (previous is not null)
            await previous.DisposeAsync();
        if (!peer.IsConnected)
        {
            await bulk.DisposeAsync();
            return;
        }
        peer.BulkBound.TrySetResult();
        var header = new byte[BulkStream.HeaderLength];
        var maxFrame = peer.Session.SealedLength(_options.MaxMessageSize);
        try
        {
            while (await bulk.ReadHeaderAsync(header, _bulkStop.Token) is { } record)
            {
                if (record.Length < 0 || record.Length > MaxSkippableRecord || record.Channel >= _options.ChannelCount)
                {
                    _drops.Count(DropReason.MalformedFrame, peer.RemoteEndPoint, $"bulk record of {record.Length} bytes on channel {record.Channel}");
                    break;
                }
                if (record.Length > maxFrame)
                {
                    // Larger than we accept but within reason (a peer configured with a bigger limit): skip it, as the UDP path would.
                    _drops.Count(DropReason.Oversized, peer.RemoteEndPoint, $"{record.Length}-byte bulk record");
                    await SkipAsync(bulk, record.Length);
                    continue;
                }
                var frame = ArrayPool<byte>.Shared.Rent(record.Length);
                try
                {
                    await bulk.Stream.ReadExactlyAsync(frame.AsMemory(0, record.Length), _bulkStop.Token);
                    // TCP can wait: hold the record (and, through the socket buffers, the sender) until there is room.
                    if (!await _inbound.Writer.WaitToWriteAsync(_bulkStop.Token))
                        break;
                    OpenAndDeliver(peer, frame.AsSpan(0, record.Length), record.Channel);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
        }
        finally
        {
            if (ReferenceEquals(peer.Bulk, bulk))
                peer.Bulk = null;
            await bulk.DisposeAsync();
        }
    }

    private async Task SkipAsync(BulkStream bulk, int length)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (length > 0)
            {
                var n = Math.Min(length, scratch.Length);
                await bulk.Stream.ReadExactlyAsync(scratch.AsMemory(0, n), _bulkStop.Token);
                length -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private async Task StopBulkAsync()
    {
        await _bulkStop.CancelAsync();
        _bulkListener?.Stop();
        foreach (var peer in _peers.Values)
        {
            if (peer.Bulk is { } bulk)
                await bulk.DisposeAsync();
        }
    }
}
