using System.Buffers.Binary;
using System.Net;
using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// One NAT control message. A fixed, small binary layout (kind byte, then the fields in order): the messages are few
/// and tiny, and the transport layer sits below the wire codec, so a hand-written reader with a bound on every field
/// is simpler than bringing MessagePack down here. Decoding never throws on hostile input: it returns null.
/// </summary>
internal sealed record ControlMessage(ControlKind Kind)
{
    /// <summary>Largest encoded message (a PeerId, two endpoints, a reason).</summary>
    public const int MaxLength = 512;

    private const int MaxReasonBytes = 200;

    private const int MaxPeerIdBytes = 128;

    /// <summary>Kind, id, circuit, ok, seconds.</summary>
    private const int FixedLength = 22;

    /// <summary>Request id: a reply carries the id of its request.</summary>
    public ulong Id { get; init; }

    /// <summary>A circuit leg id (connect reply, circuit offer).</summary>
    public ulong Circuit { get; init; }

    public bool Ok { get; init; }

    public uint Seconds { get; init; }

    public PeerId? Peer { get; init; }

    public IPEndPoint? EndPoint { get; init; }

    public string Reason { get; init; } = "";

    public byte[] Encode()
    {
        var buffer = new byte[MaxLength];
        var span = buffer.AsSpan();
        span[0] = (byte)Kind;
        BinaryPrimitives.WriteUInt64BigEndian(span[1..], Id);
        BinaryPrimitives.WriteUInt64BigEndian(span[9..], Circuit);
        span[17] = Ok ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[18..], Seconds);
        var at = FixedLength;
        ReadOnlySpan<byte> peer = Peer is null ? [] : Peer.Bytes;
        span[at++] = (byte)peer.Length;
        peer.CopyTo(span[at..]);
        at += peer.Length;
        if (EndPoint is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } ep)
        {
            span[at++] = 4;
            ep.Address.TryWriteBytes(span[at..], out _);
            at += 4;
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)ep.Port);
            at += 2;
        }
        else
        {
            span[at++] = 0;
        }
        var reason = Encoding.UTF8.GetBytes(Reason.Length > MaxReasonBytes ? Reason[..MaxReasonBytes] : Reason);
        var reasonLength = Math.Min(reason.Length, MaxReasonBytes);
        span[at++] = (byte)reasonLength;
        reason.AsSpan(0, reasonLength).CopyTo(span[at..]);
        at += reasonLength;
        return buffer[..at];
    }

    public static ControlMessage? TryDecode(ReadOnlySpan<byte> data)
    {
        if (data.Length < FixedLength + 3 || data.Length > MaxLength || !Enum.IsDefined((ControlKind)data[0]))
            return null;
        var at = FixedLength;
        int peerLength = data[at++];
        if (peerLength > MaxPeerIdBytes || at + peerLength + 2 > data.Length)
            return null;
        PeerId? peer = null;
        if (peerLength > 0)
        {
            if (!PeerId.TryFromBytes(data.Slice(at, peerLength), out var parsed, out _))
                return null;
            peer = parsed;
        }
        at += peerLength;
        IPEndPoint? endPoint = null;
        int family = data[at++];
        if (family == 4)
        {
            if (at + 6 + 1 > data.Length)
                return null;
            endPoint = new IPEndPoint(new IPAddress(data.Slice(at, 4)), BinaryPrimitives.ReadUInt16BigEndian(data[(at + 4)..]));
            at += 6;
        }
        else if (family != 0)
        {
            return null;
        }
        int reasonLength = data[at++];
        if (reasonLength > MaxReasonBytes || at + reasonLength != data.Length)
            return null;
        // Reasons are for logs: a cut multi-byte character becomes a replacement character, never an error.
        var reason = Encoding.UTF8.GetString(data.Slice(at, reasonLength));
        return new ControlMessage((ControlKind)data[0])
        {
            Id = BinaryPrimitives.ReadUInt64BigEndian(data[1..]),
            Circuit = BinaryPrimitives.ReadUInt64BigEndian(data[9..]),
            Ok = data[17] == 1,
            Seconds = BinaryPrimitives.ReadUInt32BigEndian(data[18..]),
            Peer = peer,
            EndPoint = endPoint,
            Reason = reason,
        };
    }
}
