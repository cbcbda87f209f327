using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Transport.Nat;

/// <summary>The answers to control messages (LiteNetLib's receive thread: each returns at once, slow work is tracked).</summary>
public sealed partial class NatService
{
    private void Dispatch(SecurePeer peer, ControlMessage message)
    {
        var relayed = CircuitEnds.IsVirtual(peer.RemoteEndPoint.Address);
        switch (message.Kind)
        {
            case ControlKind.Observed when !relayed && message.EndPoint is { } observed && Usable(observed.Address):
                if (Observed.Report(peer.PeerId, peer.RemoteEndPoint.Address, observed))
                {
                    _logger.LogInformation("Peers now agree that we are reachable at {EndPoint}", Observed.Confirmed);
                    RaiseChanged();
                }
                break;
            case ControlKind.Reserve when !relayed:
                OnReserve(peer, message);
                break;
            case ControlKind.Connect when !relayed && message.Peer is not null:
                OnConnect(peer, message);
                break;
            case ControlKind.CircuitOffer when !relayed && message.Peer is not null && _reservations.ContainsKey(peer.PeerId):
                if (Ends.Add(peer.RemoteEndPoint, message.Circuit, message.EndPoint, message.Peer) is null)
                    _drops.Count(DropReason.RelayRefused, peer.RemoteEndPoint, "circuit table full");
                break;
            case ControlKind.CircuitClosed when !relayed:
                // Only the relay that holds the leg can name it: the lookup is by its endpoint and the leg id.
                if (Ends.Find(peer.RemoteEndPoint, message.Circuit) is { } circuitEnd)
                {
                    if (_sessions.FindByEndPoint(circuitEnd) is { } overCircuit)
                        _disconnect(overCircuit);
                    Ends.Remove(circuitEnd);
                }
                break;
            case ControlKind.DialBack when !relayed:
                OnDialBack(peer, message);
                break;
            case ControlKind.PunchPing when relayed:
                Send(peer, new ControlMessage(ControlKind.PunchPong) { Id = message.Id });
                break;
            case ControlKind.PunchSync when relayed && _options.HolePunching:
                // The other side dials half a round trip after sending this: dial now, so both dials cross together.
                if (Ends.TryGet(peer.RemoteEndPoint, out _, out _, out var target) && target is not null)
                    Track(PunchDialAsync(peer, target, _stop.Token));
                break;
            case ControlKind.ReserveReply or ControlKind.ConnectReply or ControlKind.DialBackReply or ControlKind.PunchPong:
                if (_requests.TryGetValue(message.Id, out var pending))
                    pending.TrySetResult(message);
                break;
            default:
                _drops.Count(DropReason.BadControl, peer.RemoteEndPoint, $"{message.Kind} where it has no meaning");
                break;
        }
    }

    private static bool Usable(IPAddress address) =>
        !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast) && !CircuitEnds.IsVirtual(address)
        && address.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>
    /// Only a node that probes showed reachable relays: a reservation on a node that later finds itself behind a NAT
    /// would give others an address that leads nowhere.
    /// </summary>
    private bool Serving => _options.RelayService && Reachability == Reachability.Public;

    private void OnReserve(SecurePeer peer, ControlMessage message)
    {
        if (!TryCountRequest(peer))
            return;
        var refusal = Serving ? Relay.Reserve(peer.PeerId, peer.RemoteEndPoint) : "this node offers no relay service";
        if (refusal is not null)
            _drops.Count(DropReason.RelayRefused, peer.RemoteEndPoint, refusal);
        Send(peer, new ControlMessage(ControlKind.ReserveReply)
        {
            Id = message.Id,
            Ok = refusal is null,
            Seconds = (uint)_options.ReservationTtl.TotalSeconds,
            Reason = refusal ?? "",
        });
    }

    private void OnConnect(SecurePeer peer, ControlMessage message)
    {
        if (!TryCountRequest(peer))
            return;
        string? refusal = null;
        SecurePeer? target = null;
        (ulong FromLeg, ulong ToLeg, IPEndPoint ToEndPoint)? circuit = null;
        if (!Serving)
            refusal = "this node offers no relay service";
        else if (Relay.ReservedEndPoint(message.Peer!) is not { } reserved
                 || _sessions.FindConnected(reserved, message.Peer) is not { } session)
            refusal = "the target holds no reservation on this relay";
        else
        {
            target = session;
            lock (_random)
                circuit = Relay.Open(peer.PeerId, peer.RemoteEndPoint, message.Peer!, _random, out refusal);
        }
        if (circuit is { } open && target is not null)
        {
            // The offer goes first: the target must know the leg before the dialler's first packet arrives on it.
            Send(target, new ControlMessage(ControlKind.CircuitOffer) { Circuit = open.ToLeg, Peer = peer.PeerId, EndPoint = peer.RemoteEndPoint });
            Send(peer, new ControlMessage(ControlKind.ConnectReply) { Id = message.Id, Ok = true, Circuit = open.FromLeg, EndPoint = open.ToEndPoint });
            _logger.LogDebug("Relaying a circuit from {From} to {To}", peer.PeerId, message.Peer);
            return;
        }
        _drops.Count(DropReason.RelayRefused, peer.RemoteEndPoint, refusal);
        Send(peer, new ControlMessage(ControlKind.ConnectReply) { Id = message.Id, Reason = refusal ?? "refused" });
    }

    private void OnDialBack(SecurePeer peer, ControlMessage message)
    {
        if (!TryCountRequest(peer))
            return;
        // Only to the address the request came from: at the port it names (its router's mapping) or the port it came
        // from. Never another address (AutoNAT's rule), so no one can aim our probes at a third party.
        var target = message.EndPoint is { } claimed && claimed.Address.Equals(peer.RemoteEndPoint.Address) && claimed.Port != 0
            ? new IPEndPoint(claimed.Address, claimed.Port)
            : new IPEndPoint(peer.RemoteEndPoint.Address, peer.RemoteEndPoint.Port);
        var sent = SendProbe(target, message.Id);
        Send(peer, new ControlMessage(ControlKind.DialBackReply) { Id = message.Id, Ok = sent });
    }

    /// <summary>
    /// Sends a probe from a new socket: a NAT in front of the asker has never seen this port, so the probe arrives
    /// only if anyone may reach the asker unasked.
    /// </summary>
    private bool SendProbe(IPEndPoint target, ulong nonce)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(_localEndPoint().Address, 0));
            var datagram = new byte[RelayDatagram.HeaderLength];
            RelayDatagram.WriteHeader(datagram, RelayDatagram.Probe, nonce);
            socket.SendTo(datagram, target);
            return true;
        }
        catch (SocketException e)
        {
            _logger.LogDebug("Dial-back probe to {EndPoint} failed: {Error}", target, e.SocketErrorCode);
            return false;
        }
    }
}
