using System.Net;
using P2P.Dht;
using P2P.Node.Multiformats;
using P2P.Node.Transport.Nat;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Converts between the DHT's <see cref="Contact"/> (opaque identity bytes) and the wire's <see cref="WireContact"/>
/// (PeerId bytes, address, port). The DHT id is always recomputed as SHA-256 of the PeerId bytes, never taken
/// from the wire, so a remote cannot place a contact at a chosen spot in the key space.
/// </summary>
public static class ContactMapper
{
    /// <summary>The contact of an authenticated peer reached at <paramref name="endPoint"/>.</summary>
    public static Contact ToContact(PeerId peer, IPEndPoint endPoint) => Contact.FromIdentity(peer.Bytes.ToArray(), endPoint);

    /// <summary>
    /// The contact of an authenticated peer that says whether it is a DHT client and, when it cannot be dialled,
    /// which relay holds a reservation for it.
    /// </summary>
    public static Contact ToContact(PeerId peer, IPEndPoint endPoint, bool client, (PeerId Peer, IPEndPoint EndPoint)? relay) =>
        new(Key.Hash(peer.Bytes), peer.Bytes.ToArray(), endPoint)
        {
            IsClient = client,
            RelayEndPoint = relay?.EndPoint,
            RelayIdentity = relay is { } r ? r.Peer.Bytes.ToArray() : default,
        };

    /// <summary>The relay a contact names, if any.</summary>
    public static (PeerId Peer, IPEndPoint EndPoint)? RelayOf(Contact contact) =>
        contact.RelayEndPoint is { } endPoint && PeerId.TryFromBytes(contact.RelayIdentity.Span, out var relay, out _)
            ? (relay!, endPoint)
            : null;

    /// <summary>The PeerId a contact names, or null when its identity bytes are not a PeerId.</summary>
    public static PeerId? PeerIdOf(Contact contact) =>
        PeerId.TryFromBytes(contact.Identity.Span, out var peer, out _) ? peer : null;

    /// <summary>A wire contact; null when the contact is not one the wire can carry.</summary>
    public static WireContact? ToWire(Contact contact)
    {
        // A relayed session's endpoint is a local stand-in (Transport.Nat.CircuitEnds), never an address to hand on.
        if (PeerIdOf(contact) is not { } peer || contact.EndPoint.Port is <= 0 or > ushort.MaxValue || CircuitEnds.IsVirtual(contact.EndPoint.Address))
            return null;
        var wire = WireContact.From(peer, contact.EndPoint);
        if (RelayOf(contact) is { } relay)
        {
            wire.RelayPeerId = relay.Peer.Bytes.ToArray();
            wire.RelayAddress = relay.EndPoint.Address.GetAddressBytes();
            wire.RelayPort = (ushort)relay.EndPoint.Port;
        }
        return wire;
    }

    public static List<WireContact> ToWire(IReadOnlyList<Contact> contacts, int max)
    {
        var list = new List<WireContact>(Math.Min(contacts.Count, max));
        foreach (var contact in contacts)
        {
            if (list.Count == max)
                break;
            if (ToWire(contact) is { } wire)
                list.Add(wire);
        }
        return list;
    }

    /// <summary>A DHT contact from the wire; null when the PeerId or address is unusable.</summary>
    public static Contact? FromWire(WireContact wire)
    {
        if (wire.GetPeerId() is not { } peer || wire.GetEndPoint() is not { } endPoint)
            return null;
        if (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any) || CircuitEnds.IsVirtual(endPoint.Address))
            return null;
        return ToContact(peer, endPoint, client: false, wire.GetRelay());
    }

    /// <summary>The usable contacts of a list, at most one per PeerId.</summary>
    public static List<Contact> FromWire(IReadOnlyList<WireContact> wires)
    {
        var list = new List<Contact>(wires.Count);
        foreach (var wire in wires)
        {
            if (FromWire(wire) is { } contact && !list.Contains(contact))
                list.Add(contact);
        }
        return list;
    }
}
