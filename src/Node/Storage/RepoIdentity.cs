namespace P2P.Node.Storage;

/// <summary>
/// config.json's <c>identity</c> section: the PeerId the repo was created with, as kubo keeps Identity.PeerID in
/// its config. Every open derives the PeerId from identity.key and compares, so a replaced key is an error, not a
/// silent new identity. Repos created before this field get it recorded at their first open.
/// </summary>
public sealed class RepoIdentity
{
    /// <summary>The base58btc PeerId (12D3Koo…); null in a config written before it was recorded.</summary>
    public string? PeerId { get; set; }
}
