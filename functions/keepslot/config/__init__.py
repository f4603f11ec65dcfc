"""The freelancer's configuration: keepslot.yaml's model, its packaged copy, the environment."""
