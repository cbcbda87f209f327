using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Asks for the value stored under a key (libp2p GET_VALUE; the key is <c>/namespace/...</c>, e.g. <c>/ipns/</c> and a
/// peer id, and its DHT position is SHA-256 of its bytes); answered by <see cref="ValueMessage"/>.
/// </summary>
[MessagePackObject]
[MessagePackFormatter(typeof(KeyQueryMessageFormatter<GetValueMessage>))]
public sealed class GetValueMessage : WireMessage, IKeyQueryMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.GetValue;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The value key.</summary>
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

    internal override string? Validate() => ValidateValueKey(Key);
}
