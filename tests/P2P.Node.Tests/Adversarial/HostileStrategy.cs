namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// How a hostile node lies in its DHT answers. Every hostile node also claims to hold every block and serves
/// corrupted bytes, and acknowledges ADD_PROVIDER without storing the record (a black hole for announcements).
/// </summary>
public enum HostileStrategy
{
    /// <summary>GET_PROVIDERS names phantoms (identities nobody runs, at addresses that never answer); FIND_NODE names the colluders closest to the target.</summary>
    PhantomProviders,

    /// <summary>GET_PROVIDERS names other hostile nodes (which then serve corrupted blocks); FIND_NODE names the colluders closest to the target.</summary>
    HostileProviders,

    /// <summary>FIND_NODE answers with the contacts closest to the liar itself, whatever the target; GET_PROVIDERS names hostile nodes.</summary>
    SelfCentred,
}
