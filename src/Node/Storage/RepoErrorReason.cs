namespace P2P.Node.Storage;

/// <summary>Why a repo could not be used, so a caller can react (suggest `p2p init`, exit codes) without parsing messages.</summary>
public enum RepoErrorReason
{
    NotFound,
    AlreadyExists,
    Locked,
    UnsupportedVersion,
    InvalidConfig,
    InvalidIdentity,
    Corrupt,
}
