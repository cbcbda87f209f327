using System.Net;

namespace P2P.Dht;

/// <summary>
/// A node as the DHT sees it: its 256-bit id, the opaque identity bytes the transport authenticates
/// (the live node puts the PeerId there) and the endpoint it answered from. Immutable and shared: a
/// routing table of 10,000 nodes holds references, not copies. Equality is by <see cref="Id"/>.
/// </summary>
public sealed class Contact : IEquatable<Contact>
{
    /// <summary>Largest identity accepted (a PeerId multihash of an inlined key is well under this).</summary>
    public const int MaxIdentityLength = 128;

    /// <summary>Cached <see cref="IdMatchesIdentity"/>: 0 unknown, 1 yes, 2 no. A race only recomputes the same value.</summary>
    private int _idMatches;

    public Contact(Key id, ReadOnlyMemory<byte> identity, IPEndPoint endPoint)
    {
        if (identity.Length > MaxIdentityLength)
            throw new ArgumentException($"identity over {MaxIdentityLength} bytes", nameof(identity));
        Id = id;
        Identity = identity;
        EndPoint = endPoint;
    }

    /// <summary>The Kademlia id.</summary>
    public Key Id { get; }

    /// <summary>Transport identity (PeerId bytes); opaque to the DHT.</summary>
    public ReadOnlyMemory<byte> Identity { get; }

    /// <summary>Where the node answered from; the IP-diversity limit groups by its subnet.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// A node that cannot be dialled unasked (behind a NAT) may name a relay that holds a reservation for it: the
    /// relay's endpoint and identity bytes. Opaque to the DHT, which stores and hands it on with provider records.
    /// </summary>
    public IPEndPoint? RelayEndPoint { get; init; }

    /// <summary>The relay's identity bytes (with <see cref="RelayEndPoint"/>).</summary>
    public ReadOnlyMemory<byte> RelayIdentity { get; init; }

    /// <summary>
    /// A DHT client (libp2p's client mode): a node that asks but cannot be dialled, so it is answered but never put in
    /// a routing table, and lookups never wait on it.
    /// </summary>
    public bool IsClient { get; init; }

    /// <summary>
    /// A contact whose id is SHA-256 of its identity bytes (libp2p: NodeId = SHA-256(PeerId)).
    /// </summary>
    public static Contact FromIdentity(ReadOnlyMemory<byte> identity, IPEndPoint endPoint) =>
        new(Key.Hash(identity.Span), identity, endPoint);

    /// <summary>
    /// True when <see cref="Id"/> is SHA-256 of <see cref="Identity"/>. Computed once per instance (the
    /// contact is immutable), so a contact shared by many replies is hashed once.
    /// </summary>
    public bool IdMatchesIdentity
    {
        get
        {
            var known = Volatile.Read(ref _idMatches);
            if (known == 0)
            {
                known = Key.Hash(Identity.Span) == Id ? 1 : 2;
                Volatile.Write(ref _idMatches, known);
            }
            return known == 1;
        }
    }

    public bool Equals(Contact? other) => other is not null && Id == other.Id;

    public override bool Equals(object? obj) => obj is Contact other && Equals(other);

    public override int GetHashCode() => Id.GetHashCode();

    public override string ToString() => $"{Id.ToShortString()}@{EndPoint}";
}
