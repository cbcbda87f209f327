using System.Buffers.Binary;
using System.Net;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// PCP's MAP request and response (RFC 6887 §7.1, §7.2, §11.1): a 24-byte common header and a 36-byte MAP body, so
/// 60 bytes each way with no options. Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 (§5). The nonce ties an
/// answer, a renewal and a delete to one mapping. The decoder checks length, version, the R bit, opcode, nonce,
/// protocol and internal port, and returns null for anything else.
/// </summary>
public static class PcpMessage
{
    public const byte Version = 2;
    public const byte MapOpcode = 1;
    public const int Length = 60;
    public const int NonceLength = 12;

    /// <summary>IANA protocol numbers, as the MAP body carries them.</summary>
    public static byte ProtocolNumber(MappedProtocol protocol) => protocol == MappedProtocol.Udp ? (byte)17 : (byte)6;

    /// <summary>
    /// A MAP request from <paramref name="client"/> (the address the request is sent from, §8.1) for its
    /// <paramref name="internalPort"/>; lifetime 0 deletes (§15). No external address is suggested (::ffff:0.0.0.0).
    /// </summary>
    public static byte[] MapRequest(ReadOnlySpan<byte> nonce, MappedProtocol protocol, IPAddress client, int internalPort, int suggestedExternalPort, uint lifetimeSeconds)
    {
        if (nonce.Length != NonceLength)
            throw new ArgumentException($"a PCP nonce is {NonceLength} bytes", nameof(nonce));
        var b = new byte[Length];
        b[0] = Version;
        b[1] = MapOpcode;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), lifetimeSeconds);
        client.MapToIPv6().TryWriteBytes(b.AsSpan(8, 16), out _);
        nonce.CopyTo(b.AsSpan(24));
        b[36] = ProtocolNumber(protocol);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(40), checked((ushort)internalPort));
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(42), checked((ushort)suggestedExternalPort));
        IPAddress.Any.MapToIPv6().TryWriteBytes(b.AsSpan(44, 16), out _);
        return b;
    }

    /// <summary>The result code of a PCP response to a MAP request (≥ 4 bytes, version 2, R bit and MAP opcode), else null.</summary>
    public static byte? ResultCode(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 4 && datagram[0] == Version && datagram[1] == (0x80 | MapOpcode) ? datagram[3] : null;

    /// <summary>A successful MAP answer matching the request: the assigned external endpoint and the granted lifetime; null otherwise.</summary>
    public static (IPEndPoint External, uint LifetimeSeconds)? ParseMapResponse(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> nonce, MappedProtocol protocol, int internalPort)
    {
        if (datagram.Length < Length || ResultCode(datagram) != 0)
            return null;
        if (!datagram.Slice(24, NonceLength).SequenceEqual(nonce) || datagram[36] != ProtocolNumber(protocol))
            return null;
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[40..]) != internalPort)
            return null;
        var port = BinaryPrimitives.ReadUInt16BigEndian(datagram[42..]);
        var address = new IPAddress(datagram.Slice(44, 16));
        if (port == 0)
            return null;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return (new IPEndPoint(address, port), BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]));
    }

    /// <summary>RFC 6887 §7.4's names for the result codes a log line shows.</summary>
    public static string Describe(byte code) => code switch
    {
        0 => "SUCCESS",
        1 => "UNSUPP_VERSION",
        2 => "NOT_AUTHORIZED",
        3 => "MALFORMED_REQUEST",
        4 => "UNSUPP_OPCODE",
        5 => "UNSUPP_OPTION",
        6 => "MALFORMED_OPTION",
        7 => "NETWORK_FAILURE",
        8 => "NO_RESOURCES",
        9 => "UNSUPP_PROTOCOL",
        10 => "USER_EX_QUOTA",
        11 => "CANNOT_PROVIDE_EXTERNAL",
        12 => "ADDRESS_MISMATCH",
        13 => "EXCESSIVE_REMOTE_PEERS",
        _ => $"result {code}",
    };
}
