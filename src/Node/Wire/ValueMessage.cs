using MessagePack;

namespace P2P.Node.Wire;

/// <summary>
/// Answer to <see cref="GetValueMessage"/> (the value held, if any, and the contacts closest to the key) and to
/// <see cref="PutValueMessage"/> (the value echoed when stored, none when refused; no contacts).
/// </summary>
[MessagePackObject]
[MessagePackFormatter(typeof(ValueMessageFormatter))]
public sealed class ValueMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Value;

    /// <summary>The id of the request being answered.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>The value held for the key, or null (nil on the wire) when none.</summary>
    [Key(1)]
    public byte[]? Value { get; set; }

    /// <summary>Contacts closer to the key.</summary>
    [Key(2)]
    public List<WireContact> Closer { get; set; } = [];

    internal override string? Validate() => ValidateValue(Value, required: false) ?? ValidateContacts(Closer, WireLimits.MaxContacts, "closer contacts");
}
