using MessagePack;

namespace P2P.Node.Wire;

/// <summary>The contacts a node knows closest to a FindNode target.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(NodesMessageFormatter))]
public sealed class NodesMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Nodes;

    /// <summary>The id of the FindNode being answered.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>Closest contacts first, at most <see cref="WireLimits.MaxContacts"/>.</summary>
    [Key(1)]
    public List<WireContact> Contacts { get; set; } = [];

    internal override string? Validate() => ValidateContacts(Contacts, WireLimits.MaxContacts, "contacts");
}
