using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Asks the peer to send blocks (Bitswap 1.2 want-block); answered by Block or DontHave.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(WantMessageFormatter<WantBlockMessage>))]
public sealed class WantBlockMessage : WireMessage, IWantMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.WantBlock;

    /// <summary>Binary CIDs, at most <see cref="WireLimits.MaxCidsPerList"/>.</summary>
    [Key(0)]
    public List<byte[]> Cids { get; set; } = [];

    /// <summary>Higher is more urgent; relative within this sender's wants.</summary>
    [Key(1)]
    public int Priority { get; set; }

    /// <summary>When true the peer answers DontHave for blocks it lacks instead of staying silent.</summary>
    [Key(2)]
    public bool SendDontHave { get; set; }

    internal override string? Validate() => ValidateCids(Cids);
}
