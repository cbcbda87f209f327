namespace P2P.Dht.Simulation;

/// <summary>How adversarial nodes answer lookups.</summary>
public enum AdversaryMode
{
    /// <summary>Return only fellow adversaries closest to the target (an eclipse attempt); drop records.</summary>
    Collude,

    /// <summary>Return forged contacts with ids right next to the target that route nowhere; drop records.</summary>
    Garbage,

    /// <summary>As <see cref="Collude"/>, and answer GET_PROVIDERS with K well-formed providers that no node runs.</summary>
    Phantoms,

    /// <summary>As <see cref="Collude"/>, and answer GET_VALUE with the oldest value any member was sent for the key.</summary>
    Stale,

    /// <summary>As <see cref="Collude"/>, and answer GET_VALUE with a value that claims to be newest but fails validation.</summary>
    Forged,
}
