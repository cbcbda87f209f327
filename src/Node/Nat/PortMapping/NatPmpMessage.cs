using System.Buffers.Binary;
using System.Net;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// NAT-PMP's wire format (RFC 6886): version 0, big-endian fields. The external-address request is 2 bytes and its
/// answer 12 (§3.2); a mapping request is 12 bytes and its answer 16 (§3.3). Decoders check the length, version and
/// opcode before reading and return null for anything else, so a garbage datagram is one dropped packet.
/// </summary>
public static class NatPmpMessage
{
    public const byte Version = 0;
    public const int ExternalAddressResponseLength = 12;
    public const int MapResponseLength = 16;

    /// <summary>Result code 1 (§3.5): the server does not speak this version; a PCP server says it to NAT-PMP and back.</summary>
    public const ushort UnsupportedVersion = 1;

    /// <summary>§3.3: opcode 1 maps UDP, 2 maps TCP; an answer's opcode is the request's plus 128.</summary>
    public static byte Opcode(MappedProtocol protocol) => protocol == MappedProtocol.Udp ? (byte)1 : (byte)2;

    public static byte[] ExternalAddressRequest() => [Version, 0];

    /// <summary>A mapping request; a lifetime of zero (with external port 0) deletes the mapping (§3.4).</summary>
    public static byte[] MapRequest(MappedProtocol protocol, int internalPort, int suggestedExternalPort, uint lifetimeSeconds)
    {
        var b = new byte[12];
        b[0] = Version;
        b[1] = Opcode(protocol);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), checked((ushort)internalPort));
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(6), checked((ushort)suggestedExternalPort));
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), lifetimeSeconds);
        return b;
    }

    /// <summary>The result code of any NAT-PMP-shaped answer to <paramref name="requestOpcode"/> (≥ 4 bytes, version 0, opcode + 128), else null.</summary>
    public static ushort? ResultCode(ReadOnlySpan<byte> datagram, byte requestOpcode) =>
        datagram.Length >= 4 && datagram[0] == Version && datagram[1] == requestOpcode + 128
            ? BinaryPrimitives.ReadUInt16BigEndian(datagram[2..])
            : null;

    /// <summary>The external IPv4 address of a successful §3.2 answer, else null.</summary>
    public static IPAddress? ParseExternalAddress(ReadOnlySpan<byte> datagram) =>
        datagram.Length == ExternalAddressResponseLength && ResultCode(datagram, 0) == 0 ? new IPAddress(datagram[8..12]) : null;

    /// <summary>A successful §3.3 answer for <paramref name="internalPort"/>: the external port and lifetime; null otherwise.</summary>
    public static (int ExternalPort, uint LifetimeSeconds)? ParseMapResponse(ReadOnlySpan<byte> datagram, MappedProtocol protocol, int internalPort)
    {
        if (datagram.Length != MapResponseLength || ResultCode(datagram, Opcode(protocol)) != 0)
            return null;
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[8..]) != internalPort)
            return null;
        return (BinaryPrimitives.ReadUInt16BigEndian(datagram[10..]), BinaryPrimitives.ReadUInt32BigEndian(datagram[12..]));
    }
}
