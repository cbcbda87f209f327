using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Exchange;

/// <summary>
/// What happened to one session's search and requests, so a block that could not be had fails with the reason
/// (no provider found, none reachable, all said don't-have, the one serving it went away or stalled) rather than
/// a bare "not found". Guarded by the exchange gate.
/// </summary>
internal sealed class FetchLog(long openedAt)
{
    public long OpenedAt { get; } = openedAt;

    /// <summary>Providers the finder reported (not this node), over every search of the session.</summary>
    public HashSet<PeerId> Found { get; } = [];

    /// <summary>Providers found whose last dial failed.</summary>
    public HashSet<PeerId> Unreachable { get; } = [];

    public int ProvidersFound => Found.Count;

    /// <summary>Peers that answered don't-have to one of this session's wants.</summary>
    public HashSet<PeerId> SaidDontHave { get; } = [];

    /// <summary>The last peer that disconnected while a block of this session was outstanding at it, and that block.</summary>
    public (PeerId Peer, Cid Block)? Departed { get; set; }

    /// <summary>The last peer dropped for a stall while a block of this session was outstanding at it.</summary>
    public (PeerId Peer, Cid Block)? Stalled { get; set; }

    /// <summary>When each peer was first seen among the session's providers by a scheduling round (the debug summary at close).</summary>
    public Dictionary<PeerId, long> Joined { get; } = [];

    /// <summary>The failure of <paramref name="block"/>, with the reason, after <paramref name="waited"/>.</summary>
    public BlockNotFoundException Explain(Cid block, TimeSpan waited)
    {
        var after = $"{Math.Round(waited.TotalSeconds):0}s";
        const string resume = "the blocks fetched so far are kept: run the command again to resume";
        if (Departed is { } departed)
            return new(block, ErrorKind.Unavailable,
                $"provider {departed.Peer} went away while block {departed.Block} was outstanding, and no other provider sent it within {after}; {resume}");
        if (Stalled is { } stalled)
            return new(block, ErrorKind.Unavailable,
                $"provider {stalled.Peer} stopped answering while block {stalled.Block} was outstanding, and no other provider sent it within {after}; {resume}");
        if (SaidDontHave.Count > 0)
            return new(block, ErrorKind.NotFound, $"{Plural(SaidDontHave.Count, "provider")} said they do not have it (after {after})");
        if (Found.Count > 0 && Unreachable.Count >= Found.Count)
            return new(block, ErrorKind.Unavailable, $"found {Plural(Found.Count, "provider")} but could not reach any within {after}");
        return new(block, ErrorKind.NotFound, $"no providers found after {after}");
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
