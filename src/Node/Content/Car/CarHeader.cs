using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>
/// The header of a CAR file (ipld.io/specs/transport/car/carv1): its version and the roots it was made for.
/// A CARv2 file (version 2) wraps a v1 payload; <see cref="CarReader"/> reports the inner v1 header.
/// </summary>
public sealed record CarHeader(int Version, IReadOnlyList<Cid> Roots);
