using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Withdraws earlier wants (for example after the block arrived from another peer).</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(CidListMessageFormatter<CancelMessage>))]
public sealed class CancelMessage : WireMessage, ICidListMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Cancel;

    /// <summary>Binary CIDs.</summary>
    [Key(0)]
    public List<byte[]> Cids { get; set; } = [];

    internal override string? Validate() => ValidateCids(Cids);
}
