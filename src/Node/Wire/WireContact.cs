using System.Net;
using MessagePack;
using P2P.Node.Multiformats;

namespace P2P.Node.Wire;

/// <summary>A peer and where to reach it: binary PeerId, IPv4 (4 bytes) or IPv6 (16 bytes) address, UDP port.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(WireContactFormatter))]
public sealed class WireContact
{
    [Key(0)]
    public byte[] PeerId { get; set; } = [];

    [Key(1)]
    public byte[] Address { get; set; } = [];

    [Key(2)]
    public ushort Port { get; set; }

    /// <summary>
    /// For a node that cannot be dialled unasked: a relay holding a reservation for it (PeerId, address, port).
    /// Empty when the node is dialled directly.
    /// </summary>
    [Key(3)]
    public byte[]? RelayPeerId { get; set; }

    [Key(4)]
    public byte[]? RelayAddress { get; set; }

    [Key(5)]
    public ushort RelayPort { get; set; }

    public static WireContact From(PeerId peer, IPEndPoint endPoint) => new()
    {
        PeerId = peer.Bytes.ToArray(),
        Address = endPoint.Address.GetAddressBytes(),
        Port = (ushort)endPoint.Port,
    };

    /// <summary>The PeerId, or null when the bytes are not a valid one (already checked by the codec on receive).</summary>
    public PeerId? GetPeerId() => Multiformats.PeerId.TryFromBytes(PeerId, out var id, out _) ? id : null;

    /// <summary>The endpoint, or null when the address is malformed.</summary>
    public IPEndPoint? GetEndPoint() =>
        Address is { Length: 4 or 16 } && Port != 0 ? new IPEndPoint(new IPAddress(Address), Port) : null;

    /// <summary>The relay this contact names, when it names a usable one.</summary>
    public (PeerId Peer, IPEndPoint EndPoint)? GetRelay() =>
        RelayPeerId is { Length: > 0 } && Multiformats.PeerId.TryFromBytes(RelayPeerId, out var relay, out _)
        && RelayAddress is { Length: 4 } && RelayPort != 0
            ? (relay!, new IPEndPoint(new IPAddress(RelayAddress), RelayPort))
            : null;

    internal string? Validate()
    {
        if (RelayPeerId is { Length: > 0 } && GetRelay() is null)
            return "contact: unusable relay";
        if (!Multiformats.PeerId.TryFromBytes(PeerId ?? [], out _, out var error))
            return $"contact: {error}";
        if (Address is not { Length: 4 or 16 })
            return "contact: address must be 4 or 16 bytes";
        if (Port == 0)
            return "contact: port 0";
        return null;
    }

    public override string ToString() =>
        $"{GetPeerId()?.ToString() ?? "?"}@{(GetEndPoint() is { } ep ? ep.ToString() : "?")}";

}
