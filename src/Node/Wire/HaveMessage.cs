using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The sender holds these blocks.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(CidListMessageFormatter<HaveMessage>))]
public sealed class HaveMessage : WireMessage, ICidListMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Have;

    /// <summary>Binary CIDs.</summary>
    [Key(0)]
    public List<byte[]> Cids { get; set; } = [];

    internal override string? Validate() => ValidateCids(Cids);
}
