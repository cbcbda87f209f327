using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Asks who provides the content with a multihash (libp2p GET_PROVIDERS); answered by <see cref="ProvidersMessage"/>.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(KeyQueryMessageFormatter<GetProvidersMessage>))]
public sealed class GetProvidersMessage : WireMessage, IKeyQueryMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.GetProviders;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The multihash of the content (not the CID: codecs do not matter to providers).</summary>
    [Key(1)]
    public byte[] Key { get; set; } = [];

    /// <summary>Sent by a DHT client (a node others cannot dial): answer it, never put it in a routing table.</summary>
    [Key(2)]
    public bool Client { get; set; }

    byte[] IKeyQueryMessage.QueryKey
    {
        get => Key;
        set => Key = value;
    }

    internal override string? Validate() => ValidateMultihash(Key);
}
