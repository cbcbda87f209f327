using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The answer to a <see cref="PingMessage"/>.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(PongMessageFormatter))]
public sealed class PongMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Pong;

    /// <summary>The id of the ping being answered.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    internal override string? Validate() => null;
}
