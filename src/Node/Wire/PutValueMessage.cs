using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Asks a node to store a value under a key (libp2p PUT_VALUE). The receiver validates it with the key's namespace
/// validator and keeps it only if newer than what it holds; it answers with a <see cref="ValueMessage"/> that echoes
/// the value when it stored it (as libp2p echoes the record) and carries none when it refused.
/// </summary>
[MessagePackObject]
[MessagePackFormatter(typeof(PutValueMessageFormatter))]
public sealed class PutValueMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.PutValue;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The value key.</summary>
    [Key(1)]
    public byte[] Key { get; set; } = [];

    /// <summary>The value (a signed record, opaque to the wire).</summary>
    [Key(2)]
    public byte[] Value { get; set; } = [];

    /// <summary>Sent by a DHT client (a node others cannot dial): answer it, never put it in a routing table.</summary>
    [Key(3)]
    public bool Client { get; set; }

    internal override string? Validate() => ValidateValueKey(Key) ?? ValidateValue(Value, required: true);
}
