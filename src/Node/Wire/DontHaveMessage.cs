using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The sender does not hold these blocks.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(CidListMessageFormatter<DontHaveMessage>))]
public sealed class DontHaveMessage : WireMessage, ICidListMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.DontHave;

    /// <summary>Binary CIDs.</summary>
    [Key(0)]
    public List<byte[]> Cids { get; set; } = [];

    internal override string? Validate() => ValidateCids(Cids);
}
