using MessagePack;

namespace P2P.Node.Wire;

/// <summary>Provider records for a key plus the contacts closest to it, so the lookup can continue.</summary>
[MessagePackObject]
[MessagePackFormatter(typeof(ProvidersMessageFormatter))]
public sealed class ProvidersMessage : WireMessage
{
    [IgnoreMember]
    public override WireMessageType Type => WireMessageType.Providers;

    /// <summary>The id of the GetProviders being answered.</summary>
    [Key(0)]
    public ulong RequestId { get; set; }

    /// <summary>Peers that announced the key.</summary>
    [Key(1)]
    public List<WireContact> Providers { get; set; } = [];

    /// <summary>Contacts closer to the key.</summary>
    [Key(2)]
    public List<WireContact> Closer { get; set; } = [];

    internal override string? Validate() => ValidateContacts(Providers, WireLimits.MaxProviders, "providers") ?? ValidateContacts(Closer, WireLimits.MaxContacts, "closer contacts");
}
