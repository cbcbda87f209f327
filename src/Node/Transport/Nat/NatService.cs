using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// Reaching and being reached through NATs, inside the transport (docs/nat/transport.md): it tells each peer where
/// it sees it and believes what a quorum tells us (<see cref="ObservedAddresses"/>); asks peers for dial-back probes
/// to learn <see cref="Reachability"/>; serves as a relay while not known to be unreachable (<see cref="RelayServer"/>);
/// keeps reservations on relays while unreachable; dials through relays; and moves relayed sessions to a direct path
/// by hole punching. Control messages travel sealed in the sessions (frame kind Control), so a relay or an on-path
/// attacker can neither read nor forge them. Runs on LiteNetLib's threads (frames, session events) and on its own
/// tracked background tasks; shared state is in concurrent maps or under the relay server's lock.
/// </summary>
public sealed partial class NatService : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PunchDialTimeout = TimeSpan.FromSeconds(3);

    private readonly NatOptions _options;
    private readonly NetManager _net;
    private readonly SessionTable _sessions;
    private readonly OutboundHandshakes _dialer;
    private readonly DropCounter<DropReason> _drops;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Func<IPEndPoint> _localEndPoint;
    private readonly Action<SecurePeer> _disconnect;
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<ControlMessage>> _requests = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<IPEndPoint>> _probes = new();
    private readonly ConcurrentDictionary<PeerId, Reservation> _reservations = new();
    private readonly ConcurrentDictionary<PeerId, (long WindowStart, int Count)> _requestRates = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly Lock _tasksGate = new();

    internal NatService(NatOptions options, NetManager net, SessionTable sessions, OutboundHandshakes dialer, CircuitEnds ends, RelayServer relay,
        DropCounter<DropReason> drops, TimeProvider time, ILogger logger, Random random, Func<IPEndPoint> localEndPoint, Action<SecurePeer> disconnect)
    {
        _options = options;
        _net = net;
        _sessions = sessions;
        _dialer = dialer;
        Ends = ends;
        Relay = relay;
        _drops = drops;
        _time = time;
        _logger = logger;
        _random = random;
        _localEndPoint = localEndPoint;
        _disconnect = disconnect;
        Observed = new ObservedAddresses(options.ObservedAddressQuorum);
    }

    internal CircuitEnds Ends { get; }

    internal RelayServer Relay { get; }

    internal ObservedAddresses Observed { get; }

    /// <summary>What dial-back probes last told us.</summary>
    public Reachability Reachability { get; private set; } = Reachability.Unknown;

    /// <summary>
    /// The endpoint a port mapping on our router forwards to us (set by the node's port mapper). Dial-back checks ask
    /// for a probe there: an unsolicited packet reaching it proves the mapping works, and so that we are public.
    /// </summary>
    public IPEndPoint? MappedEndPoint { get; set; }

    /// <summary>The endpoint a quorum of peers sees us at, if they agree.</summary>
    public IPEndPoint? ObservedEndPoint => Observed.Confirmed;

    /// <summary>Relays holding a live reservation for us: where others can reach us while we are unreachable.</summary>
    public IReadOnlyList<RelayReservation> Reservations =>
        _reservations.Values.Where(r => r.Session.IsConnected && r.ExpiresAt > _time.GetTimestamp())
            .Select(r => new RelayReservation(r.Session.PeerId, r.Session.RemoteEndPoint)).ToList();

    /// <summary>Reservations and circuits this node carries for others.</summary>
    public (int Reservations, int Circuits) RelayLoad => (Relay.ReservationCount, Relay.CircuitCount);

    /// <summary>Raised (on any thread) when the observed endpoint, reachability or reservations change.</summary>
    public event EventHandler? Changed;

    /// <summary>Starts the background work: reachability checks and, while unreachable, relay reservations.</summary>
    internal void Start() => Track(MaintainAsync(_stop.Token));

    private void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    private void Track(Task task)
    {
        lock (_tasksGate)
        {
            _tasks.RemoveAll(t => t.IsCompleted);
            _tasks.Add(task);
        }
    }

    private bool TryCountRequest(SecurePeer from)
    {
        var now = _time.GetTimestamp();
        var window = _time.TimestampFrequency * 60;
        var next = _requestRates.AddOrUpdate(from.PeerId, (now, 1),
            (_, old) => now - old.WindowStart >= window ? (now, 1) : (old.WindowStart, old.Count + 1));
        if (_requestRates.Count > 4096)
            _requestRates.Clear();
        if (next.Count <= _options.RequestsPerMinute)
            return true;
        _drops.Count(DropReason.RelayRefused, from.RemoteEndPoint, "NAT requests over the per-peer rate");
        return false;
    }

    /// <summary>Seals and sends one control message on a session.</summary>
    internal void Send(SecurePeer peer, ControlMessage message)
    {
        if (!peer.IsConnected)
            return;
        var plaintext = message.Encode();
        var length = 1 + peer.Session.SealedLength(plaintext.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = (byte)FrameKind.Control;
            peer.Session.Seal(plaintext, buffer.AsSpan(1, length - 1));
            peer.NetPeer.Send(buffer, 0, length, 0, DeliveryMethod.ReliableOrdered);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _net.TriggerUpdate();
    }

    private async Task<ControlMessage?> RequestAsync(SecurePeer peer, ControlMessage request, CancellationToken ct)
    {
        var id = NextId();
        var pending = new TaskCompletionSource<ControlMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = pending;
        try
        {
            Send(peer, request with { Id = id });
            return await pending.Task.WaitAsync(RequestTimeout, _time, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _requests.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// A request id or probe nonce. Random is not thread-safe, and requests start on several threads at once (a
    /// shared instance raced into handing two requests one id, and one of them never heard its answer).
    /// </summary>
    private ulong NextId()
    {
        lock (_random)
            return (ulong)_random.NextInt64(1, long.MaxValue);
    }

    internal void OnSessionOpened(SecurePeer peer)
    {
        if (CircuitEnds.IsVirtual(peer.RemoteEndPoint.Address))
        {
            peer.Path = PeerPath.Relayed;
            return;
        }
        // Identify's observed address: tell the peer where its packets come from.
        Send(peer, new ControlMessage(ControlKind.Observed) { EndPoint = peer.RemoteEndPoint });
    }

    internal void OnSessionClosed(SecurePeer peer)
    {
        if (CircuitEnds.IsVirtual(peer.RemoteEndPoint.Address))
        {
            Ends.Remove(peer.RemoteEndPoint);
            return;
        }
        var stillConnected = _sessions.All.Any(s => s.PeerId == peer.PeerId && s.IsConnected && !CircuitEnds.IsVirtual(s.RemoteEndPoint.Address));
        if (!stillConnected)
            Relay.OnPeerGone(peer.PeerId);
        Ends.RemoveRelay(peer.RemoteEndPoint);
        var changed = Observed.Forget(peer.PeerId);
        if (_reservations.TryGetValue(peer.PeerId, out var reservation) && ReferenceEquals(reservation.Session, peer))
            changed |= _reservations.TryRemove(peer.PeerId, out _);
        if (changed)
            RaiseChanged();
    }

    /// <summary>A sealed control frame arrived on a session (LiteNetLib's receive thread).</summary>
    internal void OnControlFrame(SecurePeer peer, ReadOnlySpan<byte> sealedFrame)
    {
        var length = peer.Session.PlaintextLength(sealedFrame.Length);
        if (length < 0 || length > ControlMessage.MaxLength)
        {
            _drops.Count(DropReason.BadControl, peer.RemoteEndPoint, "control frame size");
            return;
        }
        var plaintext = new byte[length];
        switch (peer.Session.TryOpen(sealedFrame, plaintext))
        {
            case SessionOpenStatus.Ok:
                peer.Verified(_time.GetTimestamp());
                break;
            case SessionOpenStatus.Replayed:
                _drops.Count(DropReason.Replayed, peer.RemoteEndPoint, "control frame");
                return;
            default:
                _drops.Count(DropReason.Forged, peer.RemoteEndPoint, "control frame");
                return;
        }
        if (ControlMessage.TryDecode(plaintext) is not { } message)
        {
            _drops.Count(DropReason.BadControl, peer.RemoteEndPoint, "undecodable control message");
            return;
        }
        Dispatch(peer, message);
    }

    /// <summary>A dial-back probe reached our socket.</summary>
    internal void OnProbe(ulong nonce, IPEndPoint from)
    {
        if (_probes.TryGetValue(nonce, out var waiting))
            waiting.TrySetResult(from);
        else
            _drops.Count(DropReason.RelayRefused, from, "probe nobody asked for");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] running;
        lock (_tasksGate) running = [.. _tasks];
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5), _time);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Background work ends at its next await; nothing it does outlives the socket.
        }
        _stop.Dispose();
    }

    private sealed record Reservation(SecurePeer Session, long ExpiresAt);
}
