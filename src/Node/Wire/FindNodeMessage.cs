using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Asks for the contacts closest to a 32-byte key (Kademlia FIND_NODE); answered by <see cref="NodesMessage"/>.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(KeyQueryMessageFormatter<FindNodeMessage>))]
public sealed class FindNodeMessage : WireMessage, IKeyQueryMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.FindNode;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The 32-byte DHT key (SHA-256 of a PeerId or of a multihash).</summary>
    [Key(1)]
    public byte[] Target { get; set; } = [];

    /// <summary>Sent by a DHT client (a node others cannot dial): answer it, never put it in a routing table.</summary>
    [Key(2)]
    public bool Client { get; set; }

    byte[] IKeyQueryMessage.QueryKey
    {
        get => Target;
        set => Target = value;
    }

    internal override string? Validate() => Target is { Length: 32 } ? null : "FindNode target must be 32 bytes";
}
