// Package config describes a variational Monte Carlo run in TOML and turns
// the description into the driver's inputs.
//
// A configuration has the TOML tables system (particles in a trap, or a
// spin lattice), wavefunction, sampler, optimizer, production and output,
// and a top-level seed. Schema documents every key (unit, range, meaning);
// WriteTOML prints a configuration complete and commented, as TOML that
// decodes to the same configuration (the command `vmcmpi config`). Load and
// Decode read it strictly: an unknown key (with the nearest known keys as
// suggestions), a value of the wrong type or an invalid value is an error
// naming the file, the key and what was wanted. Keys a file omits keep the
// values of Defaults; Set applies one "key=value" override. Warnings lists
// the keys set that the chosen kinds do not read.
//
// The builders turn a configuration into what vmc.New takes:
// BuildSystem (the Hamiltonian of particles in a trap from Hamiltonian, or
// of a lattice from SpinHamiltonian, with the wave function and walkers),
// DriverOptions (walkers, samples, burn-in, iterations, seed) and
// BuildOptimizer (update rule and SR preconditioner). The values allowed
// for system.model, wavefunction.kind and sampler.kind, and the builder
// behind each, are one table in kinds.go that validation reads too.
//
// Build does all of it and returns a Job: the driver with periodic
// checkpoints (output.checkpoint_every), resume from a checkpoint, a stop
// on a cancelled context that saves the state first, the radial density of
// particles in a trap, and the writers of the run's files (package
// output). From a TOML file to a result:
//
//	cfg, err := config.Load("configs/dot2-rbm-pade-sr.toml", nil)
//	job, err := config.Build(comm.NewSerial(), cfg)
//	res, err := job.Run(context.Background())
//	fmt.Println(res.Energy, res.Error)
//
// (checking each err). The command vmcmpi adds flags, signals, progress
// bars and plots on top.
package config
