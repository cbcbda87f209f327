using System.Net;
using LiteNetLib;
using LiteNetLib.Layers;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// The one packet layer LiteNetLib allows, in front of <see cref="SessionGuard"/>: it carries relayed circuits and
/// dial-back probes beside LiteNetLib's own packets (<see cref="RelayDatagram"/>).
/// <list type="bullet">
/// <item>Out: a packet for a virtual endpoint (<see cref="CircuitEnds"/>) leaves for the relay with the leg id in front;
/// a relay datagram this node forwards leaves through LiteNetLib's unconnected-message call, whose one-byte
/// header is taken off here.</item>
/// <item>In: a circuit datagram on one of our legs becomes the inner packet from its virtual endpoint (and then
/// passes the session guard like any other); one on a leg we relay is forwarded at once, holding no buffer; a probe
/// goes to the reachability check; anything else of ours is dropped and counted.</item>
/// </list>
/// Runs on LiteNetLib's receive and send threads; its state lives in thread-safe tables.
/// </summary>
internal sealed class NatPacketLayer(SessionGuard guard, CircuitEnds ends, RelayServer relay, DropCounter<DropReason> drops, Action<ulong, IPEndPoint> onProbe)
    : PacketLayerBase(RelayDatagram.HeaderLength)
{
    private NetManager? _net;
    private LogicPace? _pace;

    /// <summary>Where discarded outbound packets go: loopback's discard port, so nothing leaves the host.</summary>
    private static readonly IPEndPoint Nowhere = new(IPAddress.Loopback, 9);

    /// <summary>Relaying also needs the manager, which is created with this layer, and the pace of its logic thread.</summary>
    public void Attach(NetManager net, LogicPace pace)
    {
        _net = net;
        _pace = pace;
    }

    public override void ProcessInboundPacket(ref IPEndPoint endPoint, ref byte[] data, ref int length)
    {
        if (length >= 1 && data[0] == RelayDatagram.Marker)
        {
            if (!Inbound(ref endPoint, data, ref length))
                return;
        }
        guard.ProcessInboundPacket(ref endPoint, ref data, ref length);
        // Reliable data owes an ack and an ack may free room in a send window: either needs the logic thread's fast
        // tick. Keepalives, pings and pongs do not (LiteNetLib answers a ping from this thread), so an idle session
        // lets the tick slow down; dropped packets count for nothing.
        if (length > 0 && OwesLogicRound(data[0]))
            _pace?.OnActive();
    }

    /// <summary>
    /// LiteNetLib 2.1.5 packet properties (the low five bits of the first byte) that leave work for the logic thread:
    /// reliable data (1) and reliable merged (2) owe acks, an ack (3) may free the send window, a merged packet (13)
    /// may carry any of them.
    /// </summary>
    internal static bool OwesLogicRound(byte first) => (first & 0x1F) is 1 or 2 or 3 or 13;

    /// <summary>Handles one of our datagrams; true when it became an inner packet the guard must still see.</summary>
    private bool Inbound(ref IPEndPoint endPoint, byte[] data, ref int length)
    {
        var datagram = data.AsSpan(0, length);
        if (!RelayDatagram.IsRelayDatagram(datagram))
        {
            drops.Count(DropReason.MalformedFrame, endPoint, "short relay datagram");
            length = 0;
            return false;
        }
        var id = RelayDatagram.IdOf(datagram);
        switch (RelayDatagram.KindOf(datagram))
        {
            case RelayDatagram.Probe:
                onProbe(id, new IPEndPoint(endPoint.Address, endPoint.Port));
                length = 0;
                return false;
            case RelayDatagram.Circuit when ends.Find(endPoint, id) is { } virtualEndPoint:
                Buffer.BlockCopy(data, RelayDatagram.HeaderLength, data, 0, length - RelayDatagram.HeaderLength);
                length -= RelayDatagram.HeaderLength;
                endPoint = virtualEndPoint;
                return length > 0;
            case RelayDatagram.Circuit when relay.Forward(endPoint, id, length) is { } next && _net is { } net:
                RelayDatagram.WriteHeader(datagram, RelayDatagram.Circuit, next.Leg);
                relay.Tamper?.Invoke(datagram[RelayDatagram.HeaderLength..]);
                net.SendUnconnectedMessage(data, 0, length, next.To);
                length = 0;
                return false;
            default:
                drops.Count(DropReason.RelayRefused, endPoint, "datagram on an unknown circuit");
                length = 0;
                return false;
        }
    }

    public override void ProcessOutBoundPacket(ref IPEndPoint endPoint, ref byte[] data, ref int offset, ref int length)
    {
        if (endPoint is null)
            return;
        if (length > 1 + RelayDatagram.HeaderLength && data[offset] == RelayDatagram.UnconnectedMessage && data[offset + 1] == RelayDatagram.Marker)
        {
            offset++;
            length--;
            return;
        }
        if (!CircuitEnds.IsVirtual(endPoint.Address))
            return;
        if (!ends.TryGet(endPoint, out var relayEndPoint, out var leg, out _))
        {
            // The circuit is gone and LiteNetLib does not know yet: the packet must not reach the network.
            endPoint = Nowhere;
            length = 0;
            return;
        }
        Buffer.BlockCopy(data, offset, data, offset + RelayDatagram.HeaderLength, length);
        RelayDatagram.WriteHeader(data.AsSpan(offset), RelayDatagram.Circuit, leg);
        length += RelayDatagram.HeaderLength;
        endPoint = relayEndPoint;
    }
}
