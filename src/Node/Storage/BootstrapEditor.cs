using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// kubo's `bootstrap list|add|rm` over config.json's <c>bootstrap</c> list: each entry a peer's multiaddr with its
/// <c>/p2p/&lt;PeerId&gt;</c>. Every change is checked and saved atomically (<see cref="Repo.SaveConfig"/>); the
/// daemon dials the list at its next start, as kubo does.
/// </summary>
public static class BootstrapEditor
{
    public static IReadOnlyList<string> List(Repo repo) => [.. repo.Config.Bootstrap];

    /// <summary>Adds the addresses not already listed; returns those added (kubo's answer).</summary>
    public static IReadOnlyList<string> Add(Repo repo, IReadOnlyList<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (Multiaddr.Check(address, requirePeerId: true) is { } error)
                throw new P2PException(ErrorKind.BadInput, $"invalid bootstrap address '{address}': {error}");
        }
        var list = repo.Config.Bootstrap.ToList();
        var added = addresses.Distinct(StringComparer.Ordinal).Where(a => !list.Contains(a, StringComparer.Ordinal)).ToList();
        list.AddRange(added);
        Save(repo, list);
        return added;
    }

    /// <summary>Removes the given addresses, or all with <paramref name="all"/>; returns those removed.</summary>
    public static IReadOnlyList<string> Remove(Repo repo, IReadOnlyList<string> addresses, bool all)
    {
        var list = repo.Config.Bootstrap.ToList();
        if (all)
        {
            Save(repo, []);
            return list;
        }
        if (addresses.Count == 0)
            throw new P2PException(ErrorKind.BadInput, "give the addresses to remove, or --all");
        foreach (var address in addresses)
        {
            if (Multiaddr.Check(address, requirePeerId: true) is { } error)
                throw new P2PException(ErrorKind.BadInput, $"invalid bootstrap address '{address}': {error}");
        }
        var removed = list.Where(a => addresses.Contains(a, StringComparer.Ordinal)).ToList();
        Save(repo, list.Except(removed, StringComparer.Ordinal).ToList());
        return removed;
    }

    private static void Save(Repo repo, List<string> list)
    {
        var config = RepoConfig.FromJson(repo.Config.ToJson(), "config");
        config.Bootstrap = list;
        repo.SaveConfig(config);
    }
}
