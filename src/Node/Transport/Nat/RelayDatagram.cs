using System.Buffers.Binary;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// The datagrams the NAT layer puts on the socket beside LiteNetLib's: <c>[0x1F][kind][id: 8 bytes, big-endian][payload]</c>.
/// 0x1F is packet property 31, which LiteNetLib 2.1.5 never sends (its properties end at 18), so the two never mix.
/// A circuit datagram carries one whole LiteNetLib packet of an end-to-end session through a relay (the id names the
/// circuit leg); a probe carries nothing but the nonce of a dial-back check (the id).
/// </summary>
internal static class RelayDatagram
{
    public const byte Marker = 0x1F;

    public const byte Circuit = 1;

    public const byte Probe = 2;

    public const int HeaderLength = 10;

    /// <summary>LiteNetLib's unconnected-message property: the relay forwards through that public API and strips its byte.</summary>
    public const byte UnconnectedMessage = 9;

    public static bool IsRelayDatagram(ReadOnlySpan<byte> datagram) => datagram.Length >= HeaderLength && datagram[0] == Marker;

    public static void WriteHeader(Span<byte> destination, byte kind, ulong id)
    {
        destination[0] = Marker;
        destination[1] = kind;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], id);
    }

    public static byte KindOf(ReadOnlySpan<byte> datagram) => datagram[1];

    public static ulong IdOf(ReadOnlySpan<byte> datagram) => BinaryPrimitives.ReadUInt64BigEndian(datagram[2..]);
}
