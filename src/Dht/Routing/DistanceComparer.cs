namespace P2P.Dht.Routing;

/// <summary>Orders contacts by XOR distance to a target, closest first.</summary>
internal sealed class DistanceComparer(Key target) : IComparer<Contact>
{
    public int Compare(Contact? x, Contact? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return 1;
        if (y is null) return -1;
        return target.CompareDistance(x.Id, y.Id);
    }
}
