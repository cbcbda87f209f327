using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Announces that a peer provides a key (libp2p ADD_PROVIDER). The receiver must check that the provider is the sender.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(AddProviderMessageFormatter))]
public sealed class AddProviderMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.AddProvider;

    /// <summary>Identifies the announcement; a node may acknowledge it in a later protocol version.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The multihash of the content.</summary>
    [Key(1)]
    public byte[] Key { get; set; } = [];

    /// <summary>The providing peer and its address.</summary>
    [Key(2)]
    public WireContact Provider { get; set; } = new();

    /// <summary>Sent by a DHT client (a node others cannot dial): answer it, never put it in a routing table.</summary>
    [Key(3)]
    public bool Client { get; set; }

    internal override string? Validate() => ValidateMultihash(Key) ?? (Provider is null ? "provider missing" : Provider.Validate());
}
