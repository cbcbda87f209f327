using System.Net;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>What this node asks of others: reservations, circuits, dial-back probes, hole punches.</summary>
public sealed partial class NatService
{
    /// <summary>How long a peer that refused a reservation is left alone (it may become public: a node starts unknown).</summary>
    private static readonly TimeSpan RefusedRetry = TimeSpan.FromSeconds(30);

    /// <summary>The relay a relayed session runs through, or null for a direct one.</summary>
    public IPEndPoint? RelayOf(SecurePeer peer) =>
        peer.Path == PeerPath.Relayed && Ends.TryGet(peer.RemoteEndPoint, out var relay, out _, out _) ? relay : null;

    /// <summary>Asks a connected peer to keep a reservation for us; true when granted.</summary>
    public async Task<bool> ReserveAsync(SecurePeer relay, CancellationToken ct)
    {
        if (CircuitEnds.IsVirtual(relay.RemoteEndPoint.Address))
            return false;
        var reply = await RequestAsync(relay, new ControlMessage(ControlKind.Reserve), ct);
        if (reply is not { Ok: true })
        {
            _logger.LogDebug("Relay {Relay} refused a reservation: {Reason}", relay.PeerId, reply?.Reason ?? "no answer");
            return false;
        }
        var ttl = TimeSpan.FromSeconds(Math.Min(reply.Seconds, (uint)TimeSpan.FromDays(1).TotalSeconds));
        var isNew = !_reservations.ContainsKey(relay.PeerId);
        _reservations[relay.PeerId] = new Reservation(relay, _time.GetTimestamp() + (long)(ttl.TotalSeconds * _time.TimestampFrequency));
        if (isNew)
        {
            _logger.LogInformation("Relay {Relay} at {EndPoint} holds a reservation for us", relay.PeerId, relay.RemoteEndPoint);
            RaiseChanged();
        }
        return true;
    }

    /// <summary>
    /// Reaches <paramref name="target"/> through the relay at <paramref name="relay"/> (which must hold a reservation
    /// for it): a circuit, then the usual end-to-end handshake over it, expecting <paramref name="target"/>. With hole
    /// punching on, a direct path is then tried in the background, and the relayed session closed once it works.
    /// </summary>
    public async Task<ConnectResult> ConnectViaRelayAsync(IPEndPoint relay, PeerId? relayPeer, PeerId target, CancellationToken ct)
    {
        var hop = await _dialer.DialAsync(relay, relayPeer, ct);
        if (!hop.Succeeded)
            return ConnectResult.Failure($"relay {relay}: {hop.Error}");
        if (_sessions.All.FirstOrDefault(s => s.PeerId == target && s.IsConnected) is { } existing)
            return ConnectResult.Success(existing);
        var reply = await RequestAsync(hop.Peer!, new ControlMessage(ControlKind.Connect) { Peer = target }, ct);
        if (reply is not { Ok: true })
            return ConnectResult.Failure($"relay {relay} refused a circuit to {target}: {reply?.Reason ?? "no answer"}");
        if (Ends.Add(relay, reply.Circuit, reply.EndPoint, target) is not { } endPoint)
            return ConnectResult.Failure("too many relayed circuits");
        var result = await _dialer.DialAsync(endPoint, target, ct);
        if (!result.Succeeded)
        {
            Ends.Remove(endPoint);
            return result;
        }
        if (_options.HolePunching && reply.EndPoint is { } punchTo && result.Peer!.Path == PeerPath.Relayed)
            Track(PunchAsync(result.Peer, punchTo, _time.GetTimestamp(), _stop.Token));
        return result;
    }

    /// <summary>
    /// DCUtR's dance, from the dialling side: measure the relayed round trip, tell the other side to dial, dial half a
    /// round trip later (when our "sync" reaches it), so both dials open their own NAT's mapping just before the
    /// other's packets arrive. On success the relayed session is closed and the direct one carries on.
    /// </summary>
    private async Task PunchAsync(SecurePeer relayed, IPEndPoint target, long relayedAt, CancellationToken ct)
    {
        try
        {
            for (var attempt = 1; attempt <= _options.PunchAttempts && relayed.IsConnected; attempt++)
            {
                var started = _time.GetTimestamp();
                if (await RequestAsync(relayed, new ControlMessage(ControlKind.PunchPing), ct) is null)
                    continue;
                var rtt = _time.GetElapsedTime(started);
                Send(relayed, new ControlMessage(ControlKind.PunchSync));
                await Task.Delay(rtt / 2, _time, ct);
                if (await PunchDialAsync(relayed, target, ct))
                {
                    _logger.LogInformation("Hole punch to {PeerId} done in {Milliseconds} ms after the relayed session opened (attempt {Attempt})",
                        relayed.PeerId, (long)_time.GetElapsedTime(relayedAt).TotalMilliseconds, attempt);
                    return;
                }
            }
            _logger.LogInformation("Hole punch to {PeerId} at {EndPoint} failed; the session stays relayed", relayed.PeerId, target);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>One direct dial of a hole punch; true when a direct session to the peer is up (and the relayed one closed).</summary>
    private async Task<bool> PunchDialAsync(SecurePeer relayed, IPEndPoint target, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PunchDialTimeout);
        ConnectResult direct;
        try
        {
            direct = await _dialer.DialAsync(target, relayed.PeerId, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        if (!direct.Succeeded || direct.Peer!.Path == PeerPath.Relayed)
            return false;
        direct.Peer.Path = PeerPath.HolePunched;
        _logger.LogInformation("Hole punched to {PeerId} at {EndPoint}; closing the relayed session", relayed.PeerId, target);
        if (relayed.IsOutbound)
            _disconnect(relayed);
        return true;
    }

    /// <summary>
    /// Asks up to three connected peers for dial-back probes. Public when one arrives; private when peers sent
    /// probes and none arrived; unknown when no one could be asked.
    /// </summary>
    public async Task<Reachability> CheckReachabilityAsync(CancellationToken ct)
    {
        var helpers = _sessions.All
            .Where(s => s.IsConnected && !CircuitEnds.IsVirtual(s.RemoteEndPoint.Address))
            .DistinctBy(s => s.RemoteEndPoint.Address)
            .Take(3).ToList();
        if (helpers.Count == 0)
            return Reachability;
        var checks = helpers.Select(h => ProbeOnceAsync(h, ct)).ToList();
        var results = await Task.WhenAll(checks);
        var found = results.Contains(true) ? Reachability.Public
            : results.Any(r => r == false) ? Reachability.Private : Reachability.Unknown;
        if (found != Reachability.Unknown && found != Reachability)
        {
            Reachability = found;
            _logger.LogInformation("Reachability: {Reachability}", found);
            RaiseChanged();
        }
        return Reachability;
    }

    /// <summary>True when the helper's probe arrived, false when it was sent and did not, null when it was not sent.</summary>
    private async Task<bool?> ProbeOnceAsync(SecurePeer helper, CancellationToken ct)
    {
        var nonce = NextId();
        var arrived = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes[nonce] = arrived;
        try
        {
            var pending = new TaskCompletionSource<ControlMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            _requests[nonce] = pending;
            Send(helper, new ControlMessage(ControlKind.DialBack) { Id = nonce, EndPoint = MappedEndPoint });
            ControlMessage reply;
            try
            {
                reply = await pending.Task.WaitAsync(RequestTimeout, _time, ct);
            }
            catch (TimeoutException)
            {
                return null;
            }
            finally
            {
                _requests.TryRemove(nonce, out _);
            }
            if (!reply.Ok)
                return null;
            try
            {
                await arrived.Task.WaitAsync(ProbeWait, _time, ct);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
        finally
        {
            _probes.TryRemove(nonce, out _);
        }
    }

    /// <summary>
    /// Every few seconds: learn reachability once peers are there (again every ten minutes, and when the observed
    /// address changes), and while unreachable keep reservations on up to <see cref="NatOptions.MaxRelays"/> peers.
    /// </summary>
    private async Task MaintainAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), _time);
        var lastCheck = 0L;
        IPEndPoint? checkedFor = null;
        IPEndPoint? mappedFor = null;
        var refused = new Dictionary<PeerId, long>();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = _time.GetTimestamp();
                Relay.Sweep();
                TellClosedCircuits();
                var observed = Observed.Confirmed;
                var mapped = MappedEndPoint;
                var due = Reachability == Reachability.Unknown
                          || !Equals(observed, checkedFor)
                          || !Equals(mapped, mappedFor)
                          || _time.GetElapsedTime(lastCheck) > TimeSpan.FromMinutes(10);
                if (due && _sessions.All.Any(s => s.IsConnected && !CircuitEnds.IsVirtual(s.RemoteEndPoint.Address)))
                {
                    await CheckReachabilityAsync(ct);
                    lastCheck = now;
                    checkedFor = observed;
                    mappedFor = mapped;
                }
                if (Reachability == Reachability.Private && _options.UseRelays)
                    await KeepReservationsAsync(refused, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "NAT maintenance stopped");
        }
    }

    /// <summary>Tells the ends of circuits the relay closed, so their sessions end now rather than at LiteNetLib's timeout.</summary>
    private void TellClosedCircuits()
    {
        foreach (var (end, leg) in Relay.TakeClosed())
        {
            if (_sessions.FindConnected(end) is { } session)
                Send(session, new ControlMessage(ControlKind.CircuitClosed) { Circuit = leg });
        }
    }

    private async Task KeepReservationsAsync(Dictionary<PeerId, long> refused, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        var renewBefore = (long)(_options.ReservationTtl.TotalSeconds / 2 * _time.TimestampFrequency);
        foreach (var (peer, reservation) in _reservations.ToArray())
        {
            if (!reservation.Session.IsConnected)
                _reservations.TryRemove(peer, out _);
            else if (reservation.ExpiresAt - now < renewBefore)
                await ReserveAsync(reservation.Session, ct);
        }
        foreach (var candidate in _sessions.All.Where(s => s.IsConnected && s.Path == PeerPath.Direct).ToList())
        {
            if (_reservations.Count >= _options.MaxRelays)
                break;
            if (_reservations.ContainsKey(candidate.PeerId)
                || (refused.TryGetValue(candidate.PeerId, out var at) && _time.GetElapsedTime(at) < RefusedRetry))
                continue;
            if (!await ReserveAsync(candidate, ct))
                refused[candidate.PeerId] = now;
        }
    }
}
