using System.Net;
using P2P.Dht;
using P2P.Node.Multiformats;
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

    /// <summary>The PeerId a contact names, or null when its identity bytes are not a PeerId.</summary>
    public static PeerId? PeerIdOf(Contact contact) =>
        PeerId.TryFromBytes(contact.Identity.Span, out var peer, out _) ? peer : null;

    /// <summary>A wire contact; null when the contact is not one the wire can carry.</summary>
    public static WireContact? ToWire(Contact contact)
    {
        if (PeerIdOf(contact) is not { } peer || contact.EndPoint.Port is <= 0 or > ushort.MaxValue)
            return null;
        return WireContact.From(peer, contact.EndPoint);
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
        if (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any))
            return null;
        return ToContact(peer, endPoint);
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
