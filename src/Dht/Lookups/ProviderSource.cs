namespace P2P.Dht.Lookups;

/// <summary>
/// A responder that named providers during one lookup, with the claims not yet checked and its standing: it may
/// have one unconfirmed check in flight until one of its providers answers, then up to α; after a provider of
/// its fails, none. Guarded by the owning lookup's lock.
/// </summary>
internal sealed class ProviderSource(Key distance)
{
    /// <summary>The responder's distance to the lookup target (closer sources are checked first on a tie).</summary>
    public Key Distance { get; } = distance;

    /// <summary>Providers it named that are still to be checked, in the order it gave them.</summary>
    public Queue<Contact> Claims { get; } = new();

    public int InFlight { get; set; }

    /// <summary>Checks launched for its claims.</summary>
    public int Launched { get; set; }

    /// <summary>One of its providers answered.</summary>
    public bool Confirmed { get; set; }

    /// <summary>One of its providers did not answer: its other claims are dropped.</summary>
    public bool Discredited { get; set; }

    public bool CanLaunch(int alpha) =>
        !Discredited && Claims.Count > 0 && InFlight < (Confirmed ? alpha : 1);
}
