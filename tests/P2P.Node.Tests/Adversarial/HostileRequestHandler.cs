using P2P.Dht;
using P2P.Dht.Network;

namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// A hostile node's answers to DHT requests. Pings are answered truthfully (so the liar stays in honest routing
/// tables, as a real Sybil would), announcements are acknowledged and thrown away, and FIND_NODE / GET_PROVIDERS
/// are answered according to <paramref name="strategy"/>, never with a true provider. Ids are always SHA-256 of
/// real-looking identities: forged ids would be rejected outright by the S/Kademlia id check, which the
/// simulator already covers, so these liars stick to lies the check cannot see.
/// </summary>
public sealed class HostileRequestHandler(IDhtRequestHandler honest, Contact self, HostileCoalition coalition, HostileStrategy strategy, int k)
    : IDhtRequestHandler
{
    /// <summary>Requests answered with a lie.</summary>
    public long Lies => Interlocked.Read(ref _lies);

    private long _lies;

    public bool HandlePing(Contact sender) => honest.HandlePing(sender);

    public IReadOnlyList<Contact> HandleFindNode(Contact sender, Key target)
    {
        Interlocked.Increment(ref _lies);
        return Contacts(sender, target);
    }

    public ProvidersReply HandleGetProviders(Contact sender, ReadOnlyMemory<byte> multihash)
    {
        Interlocked.Increment(ref _lies);
        var key = Key.Hash(multihash.Span);
        IReadOnlyList<Contact> providers = strategy == HostileStrategy.PhantomProviders
            ? coalition.Phantoms
            : HostileCoalition.Closest(coalition.Members, key, k, except: sender.Id);
        return new ProvidersReply(providers, Contacts(sender, key));
    }

    /// <summary>Claims to have stored the record so the announcer counts it as placed; stores nothing.</summary>
    public bool HandleAddProvider(Contact sender, ReadOnlyMemory<byte> multihash) => true;

    /// <summary>Never returns a value (it keeps none), and eclipses the lookup like FIND_NODE.</summary>
    public ValueReply HandleGetValue(Contact sender, ReadOnlyMemory<byte> key)
    {
        Interlocked.Increment(ref _lies);
        return new ValueReply(null, Contacts(sender, Key.Hash(key.Span)));
    }

    /// <summary>Claims to have stored the value; stores nothing.</summary>
    public bool HandlePutValue(Contact sender, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value) => true;

    private IReadOnlyList<Contact> Contacts(Contact sender, Key target) => strategy == HostileStrategy.SelfCentred
        // The honest answer to the wrong question: what the liar's own table holds nearest to itself.
        ? honest.HandleFindNode(sender, self.Id)
        // Eclipse: only colluders, the ones nearest the target first, so the asker's lookup converges on them.
        : HostileCoalition.Closest(coalition.Members, target, k, except: sender.Id);
}
