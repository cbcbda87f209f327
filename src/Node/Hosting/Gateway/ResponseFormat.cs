namespace P2P.Node.Hosting.Gateway;

/// <summary>What the gateway sends for a path: the deserialised file or directory, the raw block, or a CAR of the DAG.</summary>
public enum ResponseFormat
{
    UnixFs,
    Raw,
    Car,
}
