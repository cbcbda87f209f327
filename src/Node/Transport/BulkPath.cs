using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// The bulk path: a TCP stream per connection, on the same port number as the UDP socket, carrying the channels
/// from <see cref="TransportOptions.BulkFirstChannel"/> up. The side that dialled the LiteNetLib connection dials TCP
/// once the handshake is done and proves the stream belongs to the session with a sealed bind record
/// (<see cref="BulkBind"/>). Until a stream is bound (or when it breaks) every message goes over LiteNetLib, so the
/// bulk path is an accelerator, never a dependency. Back-pressure is TCP's: a reader waits for room in the inbound
/// queue instead of dropping. One accept loop, one reader task per stream; the waiter table is concurrent and the
/// pending-stream count interlocked.
/// </summary>
internal sealed class BulkPath(
    TransportOptions options, PeerId localPeer, SessionTable sessions, InboundDelivery delivery, ReceiveBufferPool pool, DropCounter<DropReason> drops, ILogger logger)
{
    /// <summary>Oversized records up to this length are read past; longer ones close the stream.</summary>
    private const int MaxSkippableRecord = 64 * 1024 * 1024;

    /// <summary>Bind records that arrived before the UDP handshake finished on our side, by dialler PeerId.</summary>
    private readonly ConcurrentDictionary<PeerId, TaskCompletionSource<SecurePeer>> _waiters = new();

    private readonly CancellationTokenSource _stop = new();

    private TcpListener? _listener;

    /// <summary>TCP connections not yet bound; capped like pending handshakes.</summary>
    private int _pending;

    /// <summary>Whether this node carries large channels over TCP at all.</summary>
    public bool Enabled => options.BulkTransport;

    /// <summary>The listener's port (after <see cref="TryListen"/> succeeded).</summary>
    public int ListeningPort => ((IPEndPoint)_listener!.LocalEndpoint).Port;

    /// <summary>
    /// Listens at <paramref name="local"/> (port 0: any free port) and starts accepting; false, with the reason, when
    /// TCP cannot listen there. Without a listener only our own dials carry bulk data.
    /// </summary>
    public bool TryListen(IPEndPoint local, out SocketError error)
    {
        error = SocketError.Success;
        if (!options.BulkTransport)
            return false;
        var listener = new TcpListener(local);
        try
        {
            listener.Start(backlog: 64);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            error = ex.SocketErrorCode;
            return false;
        }
        _listener = listener;
        _ = Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None);
        return true;
    }

    /// <summary>Closes the listener (its accept loop ends): the caller chose another port.</summary>
    public void StopListening()
    {
        _listener?.Dispose();
        _listener = null;
    }

    /// <summary>Sends on the peer's bulk stream when the channel may use it; false means: send over LiteNetLib instead.</summary>
    public async ValueTask<bool> TrySendAsync(SecurePeer peer, ReadOnlyMemory<byte> message, byte channel, CancellationToken ct) =>
        channel >= options.BulkFirstChannel && peer.Bulk is { IsOpen: true } bulk && Ready(peer, channel)
        && await bulk.SendAsync(peer.Session, message, channel, ct);

    /// <summary>A new session: dial its stream if we dialled the connection, else wake a bind record waiting for it.</summary>
    public void OnSessionOpened(SecurePeer peer)
    {
        if (peer.IsOutbound)
            _ = Task.Run(() => DialAsync(peer), CancellationToken.None);
        else if (_waiters.TryGetValue(peer.PeerId, out var waiter))
            waiter.TrySetResult(peer);
    }

    /// <summary>
    /// A channel moves to the bulk stream only once everything it sent over LiteNetLib has been acknowledged (its
    /// reliable queue is empty): LiteNetLib hands a message to the receiver before acking it, so nothing sent over
    /// UDP can arrive after what follows on TCP. Once moved, the channel stays (until the stream breaks).
    /// </summary>
    private static bool Ready(SecurePeer peer, byte channel)
    {
        if (peer.UsesBulk(channel))
            return true;
        if (peer.NetPeer.GetPacketsCountInReliableQueue(channel, ordered: true) != 0)
            return false;
        peer.MoveToBulk(channel);
        return true;
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => AcceptAsync(socket), CancellationToken.None);
        }
    }

    /// <summary>Reads and checks the bind record within the handshake timeout, then serves the stream.</summary>
    private async Task AcceptAsync(Socket socket)
    {
        var remote = (IPEndPoint?)socket.RemoteEndPoint;
        var bulk = new BulkStream(socket);
        SecurePeer? bound = null;
        if (Interlocked.Increment(ref _pending) > options.MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pending);
            drops.Count(DropReason.TooManyPendingHandshakes, remote, "bulk stream");
            await bulk.DisposeAsync();
            return;
        }
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            timeout.CancelAfter(options.HandshakeTimeout);
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
                Interlocked.Decrement(ref _pending);
            }
        }
        if (bound is null)
        {
            drops.Count(DropReason.HandshakeFailed, remote, "bulk stream without a valid bind record");
            await bulk.DisposeAsync();
            return;
        }
        await AttachAsync(bound, bulk);
    }

    private async Task<SecurePeer?> ReadBindAsync(BulkStream bulk, IPEndPoint? remote, CancellationToken ct)
    {
        if (await BulkBind.ReadPrefixAsync(bulk, ct) is not { } dialler)
            return null;
        var peer = await FindInboundAsync(dialler, ct);
        if (peer is null || remote is null || !peer.RemoteEndPoint.Address.Equals(remote.Address))
            return null;
        return await BulkBind.ReadRecordAsync(bulk, peer.Session, localPeer, ct) ? peer : null;
    }

    /// <summary>
    /// The session the dialler opened with us. The dialler sends its bind as soon as it has our reply, so the bind
    /// can overtake its UDP finish message: wait (within the caller's timeout) for the handshake to complete.
    /// </summary>
    private async Task<SecurePeer?> FindInboundAsync(PeerId dialler, CancellationToken ct)
    {
        if (sessions.FindInbound(dialler) is { } found)
            return found;
        var waiter = _waiters.GetOrAdd(dialler, _ => new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return sessions.FindInbound(dialler) ?? await waiter.Task.WaitAsync(ct);
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<PeerId, TaskCompletionSource<SecurePeer>>(dialler, waiter));
        }
    }

    /// <summary>Dials the bulk stream of a connection we initiated; failures only mean the UDP path is used.</summary>
    private async Task DialAsync(SecurePeer peer)
    {
        if (!options.BulkTransport)
            return;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        BulkStream? bulk = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(options.HandshakeTimeout);
            await socket.ConnectAsync(peer.RemoteEndPoint, timeout.Token);
            bulk = new BulkStream(socket);
            if (!await BulkBind.WriteAsync(bulk, localPeer, peer.PeerId, peer.Session, timeout.Token))
                return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            logger.LogDebug("No bulk stream to {EndPoint}: {Error}", peer.RemoteEndPoint, ex.Message);
            if (bulk is not null)
                await bulk.DisposeAsync();
            else
                socket.Dispose();
            return;
        }
        await AttachAsync(peer, bulk);
    }

    /// <summary>Makes the stream the peer's bulk path and reads records from it until it closes.</summary>
    private async Task AttachAsync(SecurePeer peer, BulkStream bulk)
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
        try
        {
            await ReadRecordsAsync(peer, bulk);
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

    /// <summary>Reads, checks and delivers records until the stream ends or sends something that is not a record.</summary>
    private async Task ReadRecordsAsync(SecurePeer peer, BulkStream bulk)
    {
        var header = new byte[BulkStream.HeaderLength];
        var maxFrame = peer.Session.SealedLength(options.MaxMessageSize);
        while (await bulk.ReadHeaderAsync(header, _stop.Token) is { } record)
        {
            if (record.Length < 0 || record.Length > MaxSkippableRecord || record.Channel >= options.ChannelCount)
            {
                drops.Count(DropReason.MalformedFrame, peer.RemoteEndPoint, $"bulk record of {record.Length} bytes on channel {record.Channel}");
                return;
            }
            if (record.Length > maxFrame)
            {
                // Larger than we accept but within reason (a peer configured with a bigger limit): skip it, as the UDP path would.
                drops.Count(DropReason.Oversized, peer.RemoteEndPoint, $"{record.Length}-byte bulk record");
                await SkipAsync(bulk, record.Length);
                continue;
            }
            var frame = pool.Rent(record.Length);
            var delivered = false;
            try
            {
                await bulk.Stream.ReadExactlyAsync(frame.AsMemory(0, record.Length), _stop.Token);
                // TCP can wait: hold the record (and, through the socket buffers, the sender) until there is room.
                if (!await delivery.WaitForRoomAsync(_stop.Token))
                    return;
                delivered = delivery.OpenAndDeliver(peer, frame, record.Length, record.Channel, pool);
            }
            finally
            {
                // Delivered, the buffer belongs to the message until its reader releases it.
                if (!delivered)
                    pool.Return(frame);
            }
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
                await bulk.Stream.ReadExactlyAsync(scratch.AsMemory(0, n), _stop.Token);
                length -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Stops accepting and reading, and closes every session's stream.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        foreach (var peer in sessions.All)
        {
            if (peer.Bulk is { } bulk)
                await bulk.DisposeAsync();
        }
    }
}
