using System.Text.Json;
using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Peers;

/// <summary>
/// Persists the routing table as a JSON list of multiaddrs (<c>peers.json</c> in the repo), replaced atomically, so
/// a restarted node rejoins through the peers it knew even when its bootstrap peers are gone. Entries are only
/// candidates: the node pings them again at start and keeps those that answer.
/// </summary>
public sealed class PeerTableStore(string path, ILogger logger)
{
    public const string FileName = "peers.json";

    /// <summary>Most entries read back; a larger file is cut here rather than trusted.</summary>
    public const int MaxEntries = 4096;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string Path { get; } = path;

    public void Save(IEnumerable<Contact> contacts)
    {
        var addresses = new List<string>();
        foreach (var contact in contacts)
        {
            if (ContactMapper.PeerIdOf(contact) is { } peer)
                addresses.Add(Multiaddr.Format(contact.EndPoint, peer));
        }
        AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(addresses, JsonOptions));
    }

    /// <summary>The stored contacts; empty (with a warning) when the file is missing or unreadable.</summary>
    public IReadOnlyList<Contact> Load()
    {
        if (!File.Exists(Path))
            return [];
        List<string>? addresses;
        try
        {
            addresses = JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(Path), JsonOptions);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Ignoring {Path}: {Error}", Path, e.Message);
            return [];
        }
        var contacts = new List<Contact>();
        foreach (var text in addresses ?? [])
        {
            if (contacts.Count == MaxEntries)
                break;
            if (Multiaddr.TryParse(text, out var address, out _) && address!.PeerId is { } peer)
                contacts.Add(ContactMapper.ToContact(peer, address.EndPoint));
        }
        return contacts;
    }
}
