using MessagePack;

namespace P2P.Node.Wire;

/// <summary>A liveness probe; answered by a <see cref="PongMessage"/> with the same request id.</summary>
[MessagePackObject]
public sealed class PingMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Ping;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    internal override string? Validate() => null;
}
