using P2P.Dht;
using P2P.Fuzz.Engine;
using P2P.Node.DhtBinding;
using P2P.Node.Wire;

namespace P2P.Fuzz.Targets;

/// <summary>
/// The path from a datagram into the DHT: WireCodec.TryDecode, then what the binding does with an accepted
/// message (ContactMapper.FromWire on contact lists, a DHT Key from a FindNode target). A contact the binding
/// accepts must map back to the same wire contact, and a list must come out de-duplicated and no longer.
/// </summary>
public sealed class DhtBindingTarget : IFuzzTarget
{
    private readonly WireTarget _wire = new();

    public string Name => "dht-binding";

    public int MaxInputLength => 8192;

    public IReadOnlyList<byte[]> Dictionary => _wire.Dictionary;

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (!WireCodec.TryDecode(input.ToArray(), out var message, out var error))
            return "rejected: " + error;
        return message switch
        {
            NodesMessage nodes => "nodes " + Map(nodes.Contacts),
            ProvidersMessage providers => $"providers {Map(providers.Providers)} closer {Map(providers.Closer)}",
            AddProviderMessage add => "add-provider " + Map([add.Provider]),
            ValueMessage value => $"value {(value.Value is null ? "none" : "some")} closer {Map(value.Closer)}",
            FindNodeMessage find => "find-node " + (new Key(find.Target).Equals(new Key(find.Target)) ? "ok" : "unstable"),
            _ => "other " + message!.Type,
        };
    }

    private static string Map(List<WireContact> wires)
    {
        var contacts = ContactMapper.FromWire(wires);
        if (contacts.Count > wires.Count || contacts.Distinct().Count() != contacts.Count)
            throw new FuzzInvariantException($"{wires.Count} wire contacts mapped to {contacts.Count}, with duplicates");
        foreach (var contact in contacts)
        {
            var back = ContactMapper.ToWire(contact) ?? throw new FuzzInvariantException($"accepted contact {contact} cannot go back on the wire");
            if (!wires.Any(w => w.PeerId.AsSpan().SequenceEqual(back.PeerId) && w.Address.AsSpan().SequenceEqual(back.Address) && w.Port == back.Port))
                throw new FuzzInvariantException($"contact {contact} maps back to {back}, which was not on the wire");
            if (ContactMapper.PeerIdOf(contact) is null)
                throw new FuzzInvariantException($"accepted contact {contact} has no PeerId");
        }
        return contacts.Count == wires.Count ? "all" : contacts.Count == 0 ? "none" : "some";
    }

    public IEnumerable<byte[]> Seeds() => _wire.Seeds();
}
