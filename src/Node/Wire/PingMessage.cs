using MessagePack;

namespace P2P.Node.Wire;

/// <summary>A liveness probe; answered by a <see cref="PongMessage"/> with the same request id.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(PingMessageFormatter))]
public sealed class PingMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Ping;

    /// <summary>Matches the response to the request.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>Sent by a DHT client (a node others cannot dial): answer it, never put it in a routing table.</summary>
    [Key(1)]
    public bool Client { get; set; }

    internal override string? Validate() => null;
}
