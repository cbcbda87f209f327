namespace P2P.Dht.Routing;

/// <summary>
/// One k-bucket: live entries in least-recently-seen order (index 0 is the oldest) and a bounded
/// replacement cache of contacts that answered while the bucket was full, most recent last.
/// Not thread-safe: the owning <see cref="RoutingTable"/>'s caller serialises access.
/// </summary>
internal sealed class Bucket
{
    /// <summary>Entries, oldest first.</summary>
    public List<BucketEntry> Entries { get; } = [];

    /// <summary>Candidates with the time they answered, most recently seen last.</summary>
    public List<BucketEntry> Replacements { get; } = [];

    /// <summary>UTC ticks of the last lookup that touched this bucket (for refresh).</summary>
    public long LastUsedTicks { get; set; }

    public int IndexOf(Key id)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Count; i++)
            if (entries[i].Contact.Id == id) return i;
        return -1;
    }

    public int ReplacementIndexOf(Key id)
    {
        for (var i = 0; i < Replacements.Count; i++)
            if (Replacements[i].Contact.Id == id) return i;
        return -1;
    }

    /// <summary>Inserts an entry keeping the least-recently-seen order.</summary>
    public void InsertBySeen(BucketEntry entry)
    {
        var i = Entries.Count;
        while (i > 0 && Entries[i - 1].LastSeenTicks > entry.LastSeenTicks) i--;
        Entries.Insert(i, entry);
    }
}
