using P2P.Dht.Network;

namespace P2P.Dht.Lookups;

/// <summary>What a lookup needs from its node: the network, the clock and a place to report outcomes.</summary>
internal interface ILookupHost
{
    Key SelfId { get; }

    IDhtNetwork Network { get; }

    DhtOptions Options { get; }

    TimeProvider Time { get; }

    /// <summary>Current slow threshold (from the node's RTT estimator).</summary>
    TimeSpan SlowAfter { get; }

    /// <summary>
    /// Called once per request, outside the lookup's lock, after the answer or the hard timeout: the
    /// node updates its routing table (answered contacts enter it, failed ones leave) and its RTT estimate
    /// (<paramref name="roundTrip"/> is null when the request was retransmitted).
    /// </summary>
    void OnRequestOutcome(Contact contact, bool answered, TimeSpan? roundTrip);
}
