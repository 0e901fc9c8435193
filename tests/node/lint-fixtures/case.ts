// The file name the lint rule tests parse their cases under, so typed linting has a program to check them in.
export {};
