namespace P2P.Dht.Routing;

/// <summary>What <see cref="RoutingTable.TryAdd"/> did with a contact that answered.</summary>
public enum AddOutcome
{
    /// <summary>Inserted as the most recently seen entry of its bucket.</summary>
    Added,

    /// <summary>Already present: moved to the most-recently-seen end.</summary>
    Updated,

    /// <summary>
    /// The bucket is full: the contact waits in the replacement cache. If <see cref="AddResult.PingOldest"/>
    /// is set the caller should ping it and remove it on failure, which promotes a replacement.
    /// </summary>
    Cached,

    /// <summary>The table's own id never enters the table.</summary>
    RejectedSelf,

    /// <summary>The bucket already holds the maximum from the contact's subnet.</summary>
    RejectedSubnet,
}
